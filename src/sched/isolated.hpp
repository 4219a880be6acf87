#pragma once
// A cell computed in a child process, so that nothing a cell does can take its worker rank (and
// with it the whole MPI job) down: a segmentation fault, an abort, a stack overflow or the
// kernel's out-of-memory killer ends the child, and the worker records the cell as failed with
// the signal and goes on with the next one (docs/scheduling.md, "Cells in their own process").
//
// The child is a fork of the worker. It never calls MPI and never touches the store's open
// HDF5 file: it computes, writes its result file (a separate, serial HDF5 file), sends a short
// text payload back through a pipe and leaves with _exit (no atexit handlers, no library
// finalisers that could call MPI). It dies with its parent (PR_SET_PDEATHSIG), and it ignores
// the drain signals (SIGINT, SIGTERM, SIGUSR1): draining is the parent's decision, which ends
// the child when its grace period is over.
#include <functional>
#include <string>

namespace npde::sched {

struct IsolatedOutcome {
  enum class How { finished, stopped, died } how = How::died;
  std::string payload;  // what `work` returned (finished only)
  std::string death;    // how the child ended (died only): "killed by signal 11 (Segmentation fault)", ...
};

// Runs `work` in a child process and waits for it, asking `should_stop` at least every
// `poll_seconds` while it runs; when it says stop, the child is killed (SIGKILL) and the
// outcome is `stopped`. Throws IoError when no child can be made (pipe or fork failed).
IsolatedOutcome run_isolated(const std::function<std::string()>& work, const std::function<bool()>& should_stop,
                             double poll_seconds = 0.02);

}  // namespace npde::sched
