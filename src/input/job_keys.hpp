#pragma once
// The job keys, each declared once (job_keys.cpp): its dotted path, type, default, meaning, where
// it may be set, whether a sweep may vary it, when the canonical text writes it, and its value in
// an ExperimentSpec. The canonical job and sweep texts (spec/canonical.cpp), the keys a sweep's
// dotted axis may name, one cell's value of a key (the store's axis columns, `plan`'s rerun
// preview), `npdesweep schema` and the key table of docs/job-file.md (checked by a unit test)
// all come from this one list.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "pipeline/experiment_spec.hpp"

namespace npde {

// A key's value: its canonical TOML text, and the same typed where it is a scalar.
struct KeyValue {
  enum class Type { integer, number, string, other };  // other: arrays and inline tables
  Type type = Type::other;
  std::string text;          // canonical TOML: "0.01" to 17 digits, "\"rk4\"", "[20, 20]"
  std::int64_t integer = 0;  // Type::integer
  double number = 0;         // Type::number
  std::string string;        // Type::string, unquoted
};

// A TOML value (a sweep's dotted-axis value) as a KeyValue: its canonical text, typed.
KeyValue key_value_of(const toml::node& value);

// Where a key is set: a job file only (in a sweep it is a named axis, the cell's name or the
// seed), a sweep file only, or both.
enum class KeyScope { job, sweep, both };

// What a canonical text is written for.
struct CanonicalContext {
  bool sweep = false;               // a sweep's shared sections (no resolution; test ICs in [analysis])
  bool every_network_kind = false;  // a sweep with network.kind on an axis: every kind's keys
  bool state_fields = false;        // analysis.fields written even at "none" (extract --job)
  // Not for hashing: the keys omitted at their default given anyway, where they apply (a
  // reader's view of a job: `show --format json` "settings").
  bool every_default = false;
};

struct JobKey {
  const char* key;           // "training.epochs"; "pde.<parameter>" stands for each of a case's parameters
  const char* type;          // as a reader is told it: "integer >= 0"
  const char* default_text;  // as a reader is told it: "required", "`0.01`", "the case's, else required"
  const char* default_value; // the default as canonical TOML ("0.01", "\"final\""); "" when there is none
  const char* meaning;       // the docs/job-file.md line (Markdown)
  KeyScope scope;
  // May a sweep vary it on a dotted grid axis? (The named axes and the seed are axes by other
  // names: resolution, train_stencil, infer_stencil, ic, stepper, experiment.seed.)
  bool dotted_axis;
  // The content-hash rule: 0, written whenever it applies; N > 0, a key that came with schema N
  // and is written only away from its default, so that every text (and content hash) from
  // before it stays what it was.
  int omitted_at_default_since;
  // Its value in `spec` for `context`, or nothing where the canonical text leaves it out.
  std::optional<KeyValue> (*value)(const ExperimentSpec& spec, const CanonicalContext& context);
};

// Every job key in canonical order: sections [experiment], [pde], [stencils],
// [initial_conditions], [network], [training], [integrator], [analysis], and within each the
// order the canonical text writes.
const std::vector<JobKey>& job_keys();

// The keys `spec` writes for `context`, in canonical order, each with its value (a case's
// parameters by their own names in place of "pde.<parameter>").
struct KeySetting {
  std::string key;
  KeyValue value;
  const JobKey* declared;
};
std::vector<KeySetting> key_settings(const ExperimentSpec& spec, const CanonicalContext& context = {});

// One key's value in the job's canonical text, or nothing where that text leaves it out.
std::optional<KeyValue> key_value(const ExperimentSpec& spec, const std::string& key);

// The keys a sweep's dotted grid axis may name for this spec's case: experiment.seed, then every
// key of the sections [pde] .. [analysis] that is not a named axis, in canonical order.
std::vector<std::string> dotted_axis_keys(const ExperimentSpec& spec);

// docs/job-file.md's key table (a Markdown table: key, type, default, meaning), one row per key.
std::string job_key_table();

}  // namespace npde
