#pragma once
// The canonical text of an experiment: the keys of the registry (spec/job_keys.hpp) in its
// fixed order, numbers printed to round-trip. Every setting is written, except the keys that came
// after stores existed (JobKey::omitted_at_default_since: training.loss, integrator.model, ...),
// which appear only away from their default so that older texts and content hashes stay. It is
// what result files store and what is hashed, so two specs that compute the same thing have the
// same text and hash whatever their source files looked like. Reading the canonical text back as
// a job file gives the same spec.
#include <string>

#include <toml++/toml.h>

#include "pipeline/experiment_spec.hpp"
#include "input/sweep_file.hpp"

namespace npde {

// Two versions, kept apart so that adding a dataset does not make existing stores unresumable:
//
// kResultsVersion enters every content hash: it changes only when the same canonical text would
// compute different numbers (2: store gained rollout/time; 3: accurate truth-map Jacobians for
// adaptive truth data; 4: spectral derivatives through the FFT; 5: log|det J| is NaN where rounding
// determines it). Changing it makes every store's finished cells foreign (they rerun).
constexpr int kResultsVersion = 5;
// kSchemaVersion is the layout of result files and stores (which datasets, which columns),
// written as the attribute schema_version. A store of an older layout resumes: `run` and
// `repair` rebuild its file in the current layout from the journal and the shards (3: closure
// errors; 4: the /experiments/stepper column; 5: results groups by shape, /experiments/group and
// a column per dotted grid axis; 6: dimension labels,
// test-IC scales, group attributes, integer columns as integers, results/<g>/recorded; 7: closure
// fits, closure/fit/*; 8: the spectra's conditioning: jacobian/*/eigenvalue_condition, norm,
// sigma_min, rounding_set, pseudospectral_radius; 9: transient growth, jacobian/*/transient_growth,
// transient_growth_step, transient_growth_error; 10: a coordinate variable (dimension scale) for
// every axis in every group that uses it, so netCDF-4 readers open each group; 11: the solution
// fields fields/* and the x axis, when analysis.fields keeps them; 12: weights@kind, the closure
// network's kind). A newer layout than this binary's is refused.
constexpr int kSchemaVersion = 12;

// The canonical job text: its content hash identifies the experiment. analysis.fields is written
// only when it keeps fields, or with `state_fields` also at none: a job file for run-one (whose
// default is all) that reproduces a cell without fields (`extract --job`).
std::string canonical_toml(const ExperimentSpec& spec);
std::string canonical_toml(const ExperimentSpec& spec, bool state_fields);
// The same for a sweep file: reading it back gives the same sweep, cells and hashes.
std::string canonical_sweep_toml(const SweepSpec& sweep);
// What a cell's truth data depend on, as canonical text: the [pde] section, the training
// stencil, the truth integrator's settings and a case file's definition (not the inference
// stencil, network, training, seed or test ICs). The truth cache's keys start with it.
std::string canonical_truth_toml(const ExperimentSpec& spec);
std::string initial_condition_toml(const InitialCondition& ic);  // an inline table
// TOML values that read back to themselves: a float to 17 digits, a basic string escaped.
std::string toml_number(double v);
std::string toml_string(const std::string& s);
// Any TOML value as canonical text: integers as integers, floats to round-trip, strings quoted,
// arrays and inline tables (keys in order) written out the same way.
std::string canonical_value(const toml::node& value);

// The canonical text as a person reads it: every float at its shortest round-trip text
// (viscosity = 0.03, not 0.029999999999999999). It reads back to the same spec, so to the same
// canonical text and hash; the canonical text itself keeps 17 digits because the content hashes
// of every store ever written are over it. Strings and integers are left as they are.
std::string readable_toml(const std::string& canonical_text);

// 64-bit FNV-1a of the results version and the canonical text, as 16 hex digits.
std::string content_hash(const std::string& canonical_text);

}  // namespace npde
