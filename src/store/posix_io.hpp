#pragma once
// The seam over the POSIX calls of our own that the store's durability depends on (open, write,
// fsync, rename, flock; libhdf5 makes its own), in the style of fmt's os layer: each call is
// checked here and turned into IoError naming the call and path, and tests can make the next call
// of a kind fail (ENOSPC, a short write, EINTR) without a broken disk. Like fmt's test-only
// mocks, those hooks (NPDESWEEP_IO_FAULT, NPDESWEEP_CRASH_POINT's self-kill, NPDESWEEP_PAUSE_POINT,
// inject_fault) exist only in a build configured with -DNPDESWEEP_FAULT_HOOKS=ON, as the tests'
// (scripts/test, scripts/test-sanitizers); a release build ignores the variables (docs/store.md).
#include <stdexcept>
#include <string>

#include "input/error.hpp"

namespace npde::posix {

// The IoError (spec/error.hpp) of a failed call: "CALL failed for 'PATH': strerror(err)", with
// err as its error_number(); or "CALL refused for 'PATH': REASON".
IoError io_error(const std::string& call, const std::string& path, int err);
IoError io_error(const std::string& call, const std::string& path, const std::string& reason);

// Test hooks: the next `call` ("write", "fsync", "rename", "open") fails with errno `err`;
// for "write" with short_write it first writes half of the buffer.
void inject_fault(const std::string& call, int err, bool short_write = false);
void clear_faults();

// The same faults in a real run, from the environment (docs/store.md, "Test hooks"):
//   NPDESWEEP_IO_FAULT="CALL:ERRNO[:N[:PATH]]"
// makes the N-th call CALL (default the first) on a path containing PATH fail with ERRNO
// (ENOSPC, EIO, EDQUOT, EROFS, EACCES, ENOENT), once, in every process of the run. CALL is one
// of open, write, short-write (half the bytes written, then the error), fsync, fsync-dir, rename,
// flock, h5-create, h5-write, h5-open (the HDF5 calls that create the store, write a row and
// open a file for reading).
// Throws std::invalid_argument naming what is wrong with a malformed value.
void load_faults_from_environment();
// For seams outside this file (h5.cpp): the errno injected for this call on `path`, or 0.
int injected_error(const std::string& call, const std::string& path);

// A test hook's environment variable (docs/store.md, "Test hooks"): its value in a build with
// the fault hooks, else nullptr whatever the environment says.
const char* test_hook(const char* variable);
// Test hook for crash tests: if NPDESWEEP_CRASH_POINT equals "<name>:<id>", the process
// kills itself with SIGKILL here, exactly as kill -9 would.
void crash_point(const std::string& name, long id);
// Test hook for tests that must see a state that lasts only moments (a store mid-rebuild): if
// NPDESWEEP_PAUSE_POINT equals `name`, the process stops itself with SIGSTOP here, as kill -STOP
// would, and goes on when the test sends SIGCONT. Deterministic where a race against the clock
// is not.
void pause_point(const std::string& name);

// An open file descriptor that knows its path and closes itself: no error path can leak it.
// close() reports a failed close (NFS reports late write errors there); the destructor, used
// on error paths, closes silently.
class File {
 public:
  File(const std::string& path, int flags, int mode = 0666);  // mode less the umask  // throws IoError("open", ...)
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  File(File&& other) noexcept;

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  void write_all(const void* data, size_t size);
  void fsync();
  void truncate(long long length);  // ftruncate, through the fault seam
  long long size() const;           // the current end of the file
  // flock(LOCK_EX | LOCK_NB): false if another process holds it.
  bool try_lock();
  void close();

 private:
  int fd_;
  std::string path_;
};

int open(const std::string& path, int flags, int mode = 0666);  // mode less the umask
void write_all(int fd, const void* data, size_t size, const std::string& path);
void fsync(int fd, const std::string& path);
void fsync_directory(const std::string& directory);
void rename(const std::string& from, const std::string& to);
void close(int fd, const std::string& path);
void make_directory(const std::string& path);  // succeeds if it exists
std::string read_file(const std::string& path);
// This machine's host name and this process's id, as "HOST.PID": unique among the processes of
// a cluster sharing a file system (pids alone repeat across nodes).
std::string host_name();
std::string process_tag();
// Replaces `path` atomically: PATH.tmp.<process_tag()> written (and fsync'd when `durable`), renamed over
// `path` (and the directory fsync'd when `durable`). A crash leaves the old file or the new
// one, never a mix; on any error the temporary file is removed and `path` is untouched.
void write_file_atomic(const std::string& path, const void* data, size_t size, bool durable = true);
inline void write_file_atomic(const std::string& path, const std::string& content, bool durable = true) {
  write_file_atomic(path, content.data(), content.size(), durable);
}
bool exists(const std::string& path);
// unlink; a missing file is not an error.
void remove(const std::string& path);
// `path` with every symbolic link on it resolved (the final name, any directory above it, and
// a dangling final link by its text), or `path` unchanged when no link is involved. So a store
// reached through links has one sidecar, one journal and one lock: StorePaths resolves with it.
std::string resolve_link(const std::string& path);

}  // namespace npde::posix
