#pragma once
// Where and how a file was made: creation time, the npdesweep version and commit, the host, its
// CPU, the instruction set the binary was compiled for and the compiler. Results differ in their
// last bits between instruction sets (the build is -march=native), so a reader comparing two
// files needs this beside the numbers (docs/result-file.md, "Provenance").
#include <string>

#include <mpi.h>

namespace npde {

struct Provenance {
  std::string created;          // ISO 8601 UTC, e.g. 2026-12-07T12:30:00Z
  std::string version;          // "npdesweep 0.1.0"
  std::string commit;           // git describe of the source tree at build time ("unknown" without git)
  std::string host;             // gethostname()
  std::string cpu;              // /proc/cpuinfo's model name ("unknown" where there is none)
  std::string instruction_set;  // what the compiler targeted: "x86-64 sse4.2 avx avx2 fma ..."
  std::string compiler;         // e.g. "GCC 12.2.0"
};

// This process's, created now.
Provenance this_process();
// Rank 0's, on every rank of `comm` (collective): a store's attributes must be the same everywhere.
Provenance this_process(MPI_Comm comm);

}  // namespace npde
