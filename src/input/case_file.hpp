#pragma once
// PDE cases as TOML (docs/cases.md): the [case] table, the built-in cases (the files of cases/,
// compiled into the binary so a node needs nothing beside it), and how the [pde] section of a
// job or sweep finds its case:
//   case = "burgers"                a built-in case
//   case = "my-cases/fisher.toml"   a case file, relative to the job or sweep file's directory
//   case = "fisher" + [case] table  a case defined in the job or sweep file itself
// Every error names the file, line and key (InputError, exit 2).
#include <memory>
#include <string>
#include <vector>

#include "model/pde_case.hpp"
#include "input/toml_reader.hpp"

namespace npde {

// Reads and validates one [case] table (`builtin` only for the files of cases/).
std::shared_ptr<const PdeCase> read_case_table(TomlReader& table, bool builtin = false);

const std::vector<std::shared_ptr<const PdeCase>>& builtin_cases();
std::shared_ptr<const PdeCase> find_builtin_case(const std::string& name);  // nullptr when none
std::vector<std::string> builtin_case_names();

// The case a job or sweep file names in [pde] case (consumes that key and any top-level [case]).
std::shared_ptr<const PdeCase> resolve_case(TomlReader& top, TomlReader& pde);

// PDE settings of a built-in case (for tests and tools): parameters in the case's order, the
// fixed stencil defaulting to the case's.
PdeSettings builtin_pde(const std::string& name, int resolution, double length, std::vector<double> parameters,
                        std::string fixed_stencil = "");

// The canonical [case] table: written into a store's sweep.toml and each cell's canonical text
// for every case that is not built in, so the text alone defines the experiment.
std::string case_toml(const PdeCase& c);

}  // namespace npde
