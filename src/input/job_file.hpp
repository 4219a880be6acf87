#pragma once
// Single-experiment job files (jobs/*.toml): TOML -> validated ExperimentSpec.
// The sections and keys are documented in docs/job-file.md; every error names file, line, key.
#include <string>
#include <vector>

#include "pipeline/experiment_spec.hpp"
#include "input/toml_reader.hpp"

namespace npde {

// A job that does not set analysis.fields keeps `default_fields` (run-one keeps all of them).
// A job file is one about to run here: its memory must fit this machine (check_memory).
ExperimentSpec read_job_file(const std::string& path, FieldsKept default_fields = FieldsKept::none);
// The same for job text in memory (canonical text: analysis.fields unset is none); `source`
// names it in errors. Stored text (a result file's or a store's) was checked where it ran: it is
// not held against this machine's memory, so a file made on a large node reads anywhere.
ExperimentSpec read_job_text(const std::string& text, const std::string& source);

// Section readers, shared with sweep files. Each consumes its keys and calls finish().
// Without `with_resolution` the resolution is left 0 for a sweep's grid to fill in. `top` is the
// whole file: the case may be defined in its [case] table (spec/case_file.hpp).
PdeSettings read_pde_section(TomlReader& top, TomlReader& pde, double* dt, int* steps, bool with_resolution = true);
InitialCondition read_initial_condition(TomlReader& ic);
TrainingSettings read_training_section(TomlReader& training);
IntegratorSettings read_integrator_section(TomlReader& integrator);
// analysis.fields: which solution fields a result keeps (none, rollouts, all).
FieldsKept read_fields(TomlReader& analysis, FieldsKept fallback);
// analysis.pseudospectra: "rays" (the default) or "global".
PseudospectralSearch read_pseudospectra(TomlReader& analysis);

// Cross-field checks (stencil widths against N, transitions and Jacobian states against the
// horizon); `where` names the file for messages, `lines` gives each checked key's line.
struct SpecLines {
  long resolution = 0, train_stencil = 0, infer_stencil = 0, fixed_stencil = 0, transitions = 0,
       jacobian_states = 0, hidden = 0, channels = 0, kernel = 0, epochs = 0, steps = 0,
       truth_correction = 0;
  std::string file;
  std::string resolution_key = "pde.resolution", train_key = "stencils.train", infer_key = "stencils.infer";
  // The line of a dotted key noted above ("network.kernel"); 0 when it is not one of them.
  long line_of(const std::string& key) const;
};

// [network] (kind; an MLP's hidden widths, a CNN's channels and kernel; the activation is tanh,
// the only one so far) and [training] into `spec`, noting in `lines` the lines validation names
// (hidden, channels, kernel, steps of `pde`, transitions, epochs).
void read_network_and_training(TomlReader& top, TomlReader& pde, SpecLines& lines, ExperimentSpec& spec);

// The checks that hold on any machine.
void validate_experiment(const ExperimentSpec& spec, const SpecLines& lines);
// The one that depends on the machine, for a job or sweep about to run here (and for settings
// changed after reading, run-one --epochs): the experiment's estimated memory
// (pipeline/cost_model.hpp) must fit in half of this machine's, so that two workers per node can
// run; otherwise an InputError naming the setting that needs the most.
void check_memory(const ExperimentSpec& spec, const SpecLines& lines);

}  // namespace npde
