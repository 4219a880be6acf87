#include "store/posix_io.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <set>
#include <vector>
#include <sstream>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace npde::posix {

#ifdef NPDESWEEP_FAULT_HOOKS
constexpr bool kFaultHooks = true;
#else
constexpr bool kFaultHooks = false;
#endif
namespace {

// A fault's count of matching calls lives in memory shared with the processes this one forks
// (a worker's cells run in their own processes: sched/isolated.hpp), so "the N-th write to a
// shard" counts the calls of the worker and of all its cells' processes, as it did when cells
// ran in the worker itself, and fires once among them.
struct FaultState {
  std::atomic<long> seen{0};
  std::atomic<int> fired{0};
};
FaultState* new_fault_state() {
  constexpr size_t kSlots = 64;
  static FaultState* slots = [] {
    void* p = ::mmap(nullptr, kSlots * sizeof(FaultState), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap for the fault hooks' counters failed");
    return new (p) FaultState[kSlots];
  }();
  static size_t next = 0;
  FaultState* state = &slots[next++ % kSlots];  // a slot of a fault long gone is reused
  state->seen = 0;
  state->fired = 0;
  return state;
}

struct Fault {
  int err = 0;
  bool short_write = false;
  long nth = 1;          // fires on the nth matching call
  std::string path_part; // matches paths containing it (empty: every path)
  FaultState* state = nullptr;
};
std::map<std::string, Fault>& faults() {
  static std::map<std::string, Fault> f;
  return f;
}

// Returns the fault injected for this call on `path` (consuming it), or none (err 0). A build
// without the hooks (NPDESWEEP_FAULT_HOOKS off, every release build) never injects one.
Fault take_fault(const std::string& call, const std::string& path = "") {
  if (!kFaultHooks) return {};
  auto it = faults().find(call);
  if (it == faults().end()) return {};
  Fault& f = it->second;
  if (f.state->fired.load() != 0) {  // another process (a cell's, or its worker) took it
    faults().erase(it);
    return {};
  }
  if (path.find(f.path_part) == std::string::npos || f.state->seen.fetch_add(1) + 1 != f.nth) return {};
  if (f.state->fired.exchange(1) != 0) return {};
  Fault fired = f;
  faults().erase(it);
  return fired;
}

int errno_named(const std::string& name) {
  static const std::map<std::string, int> known = {{"ENOSPC", ENOSPC}, {"EIO", EIO},       {"EDQUOT", EDQUOT},
                                                    {"EROFS", EROFS},   {"EACCES", EACCES}, {"ENOENT", ENOENT}};
  auto it = known.find(name);
  return it == known.end() ? 0 : it->second;
}

}  // namespace

IoError io_error(const std::string& call, const std::string& path, int err) {
  std::string message = call + " failed for '" + path + "': " + std::strerror(err);
  if (IoError::is_permission(err))
    message += " (you may not write here: a store shared by a group needs group write on the .h5 file, its "
               ".h5.d directory and what is in it, which npdesweep gives when its creator's umask allows it, "
               "e.g. umask 002; the owner can run `chmod -R g+w` on both)";
  return IoError(message, err);
}
IoError io_error(const std::string& call, const std::string& path, const std::string& reason) {
  return IoError(call + " refused for '" + path + "': " + reason);
}

void inject_fault(const std::string& call, int err, bool short_write) {
  if (!kFaultHooks)
    throw std::logic_error("this build has no fault hooks: configure with -DNPDESWEEP_FAULT_HOOKS=ON (scripts/test does)");
  Fault f;
  f.err = err;
  f.short_write = short_write;
  f.state = new_fault_state();
  faults()[call] = f;
}
void clear_faults() { faults().clear(); }

void load_faults_from_environment() {
  const char* value = test_hook("NPDESWEEP_IO_FAULT");
  if (!value || !*value) return;
  const std::string text = value;
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("NPDESWEEP_IO_FAULT='" + text + "': " + why +
                                 " (expected CALL:ERRNO[:N[:PATH]], e.g. write:ENOSPC:2:journal)");
  };
  std::vector<std::string> parts;
  size_t start = 0;
  for (int i = 0; i < 3; ++i) {  // the path is the rest: it may contain ':'
    const size_t colon = text.find(':', start);
    if (colon == std::string::npos) break;
    parts.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  parts.push_back(text.substr(start));
  static const std::set<std::string> calls = {"open",  "write",     "short-write", "fsync",   "fsync-dir",
                                              "rename", "flock",   "h5-create",   "h5-write",  "h5-open",
                                              "ftruncate", "unlink"};
  if (parts.size() < 2) throw bad("no errno");
  if (!calls.count(parts[0])) throw bad("unknown call '" + parts[0] + "'");
  Fault f;
  f.err = errno_named(parts[1]);
  if (!f.err) throw bad("unknown errno '" + parts[1] + "'");
  if (parts.size() > 2) {
    char* end = nullptr;
    f.nth = std::strtol(parts[2].c_str(), &end, 10);
    if (parts[2].empty() || *end || f.nth < 1) throw bad("N must be a positive integer");
  }
  if (parts.size() > 3) f.path_part = parts[3];
  f.short_write = parts[0] == "short-write";
  f.state = new_fault_state();
  faults()[f.short_write ? "write" : parts[0]] = f;
}

int injected_error(const std::string& call, const std::string& path) { return take_fault(call, path).err; }

const char* test_hook(const char* variable) { return kFaultHooks ? std::getenv(variable) : nullptr; }

void crash_point(const std::string& name, long id) {
  const char* where = test_hook("NPDESWEEP_CRASH_POINT");
  if (where && name + ":" + std::to_string(id) == where) ::kill(::getpid(), SIGKILL);
}

void pause_point(const std::string& name) {
  const char* where = test_hook("NPDESWEEP_PAUSE_POINT");
  if (where && name == where) ::raise(SIGSTOP);
}

namespace {

// The store's own files are regular files (directories for fsync_directory): a FIFO, device or
// socket in their place would block open() or read() for ever, so it is refused by name.
bool openable(mode_t mode) { return S_ISREG(mode) || S_ISDIR(mode); }
const char* kNotRegular = "not a regular file (a FIFO, device or socket in the store's place?)";

int open_checked(const std::string& path, int flags, int mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !openable(st.st_mode)) throw io_error("open", path, kNotRegular);
  int fd;
  // O_NONBLOCK: a FIFO put in place between the stat and here still cannot block the open;
  // on regular files and directories it changes nothing.
  do fd = ::open(path.c_str(), flags | O_CLOEXEC | O_NONBLOCK, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) throw io_error("open", path, errno);
  if (::fstat(fd, &st) != 0 || !openable(st.st_mode)) {
    ::close(fd);
    throw io_error("open", path, kNotRegular);
  }
  return fd;
}

}  // namespace

int open(const std::string& path, int flags, int mode) {
  if (Fault f = take_fault("open", path); f.err) throw io_error("open", path, f.err);
  return open_checked(path, flags, mode);
}

File::File(const std::string& path, int flags, int mode) : fd_(posix::open(path, flags, mode)), path_(path) {}

File::File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

void File::write_all(const void* data, size_t size) { posix::write_all(fd_, data, size, path_); }
void File::fsync() { posix::fsync(fd_, path_); }

void File::truncate(long long length) {
  if (Fault f = take_fault("ftruncate", path_); f.err) throw io_error("ftruncate", path_, f.err);
  if (::ftruncate(fd_, static_cast<off_t>(length)) != 0) throw io_error("ftruncate", path_, errno);
}

long long File::size() const {
  const off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < 0) throw io_error("lseek", path_, errno);
  return static_cast<long long>(end);
}

bool File::try_lock() {
  if (Fault f = take_fault("flock", path_); f.err) throw io_error("flock", path_, f.err);
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return true;
  if (errno == EWOULDBLOCK) return false;
  throw io_error("flock", path_, errno);
}

void File::close() {
  const int fd = fd_;
  fd_ = -1;
  posix::close(fd, path_);
}

void remove(const std::string& path) {
  if (Fault f = take_fault("unlink", path); f.err) throw io_error("unlink", path, f.err);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw io_error("unlink", path, errno);
}

void write_all(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  if (Fault f = take_fault("write", path); f.err) {
    if (f.short_write && size > 1) (void)::write(fd, p, size / 2);
    throw io_error("write", path, f.err);
  }
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw io_error("write", path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void fsync(int fd, const std::string& path) {
  if (Fault f = take_fault("fsync", path); f.err) throw io_error("fsync", path, f.err);
  if (::fsync(fd) != 0) throw io_error("fsync", path, errno);
}

void fsync_directory(const std::string& directory) {
  if (Fault f = take_fault("fsync-dir", directory); f.err) throw io_error("fsync", directory, f.err);
  File dir(directory, O_RDONLY | O_DIRECTORY);
  dir.fsync();
  dir.close();
}

void rename(const std::string& from, const std::string& to) {
  if (Fault f = take_fault("rename", from); f.err) throw io_error("rename", from + "' -> '" + to, f.err);
  if (::rename(from.c_str(), to.c_str()) != 0) throw io_error("rename", from + "' -> '" + to, errno);
}

void close(int fd, const std::string& path) {
  if (::close(fd) != 0 && errno != EINTR) throw io_error("close", path, errno);
}

void make_directory(const std::string& path) {
  // 0777 less the umask, as HDF5 creates the store's file (0666 less the umask): a group that
  // shares a store shares its sidecar
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST) throw io_error("mkdir", path, errno);
}

std::string read_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw io_error("open", path, EISDIR);
  // Not through open(): reading is no "open" call of the fault hooks (NPDESWEEP_IO_FAULT).
  const int fd = open_checked(path, O_RDONLY, 0);
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int err = errno;
      ::close(fd);
      throw io_error("read", path, err);
    }
    if (got == 0) break;
    text.append(buffer, static_cast<size_t>(got));
  }
  ::close(fd);
  return text;
}

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

std::string process_tag() { return host_name() + "." + std::to_string(::getpid()); }

void write_file_atomic(const std::string& path, const void* data, size_t size, bool durable) {
  const std::string tmp = path + ".tmp." + process_tag();
  try {
    File file(tmp, O_WRONLY | O_CREAT | O_TRUNC);
    file.write_all(data, size);
    if (durable) file.fsync();  // the data reach the disk before the name does
    file.close();
    rename(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());  // best effort: the error being reported is the one that matters
    throw;
  }
  if (durable) {
    const size_t slash = path.rfind('/');
    fsync_directory(slash == std::string::npos ? "." : path.substr(0, slash));
  }
}

std::string resolve_link(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // The path as written, made absolute by text alone: what it names when no link is involved.
  const fs::path lexical = fs::absolute(path, ec).lexically_normal();
  if (ec) return path;
  fs::path real = fs::canonical(path, ec);
  if (ec) {
    // Not there (yet): a link whose target is missing, or a store about to be made. Resolve the
    // directory, then a dangling final link by its text (bounded, as the kernel bounds loops).
    fs::path current = lexical;
    for (int depth = 0; depth < 40; ++depth) {
      const fs::path directory = fs::weakly_canonical(current.parent_path(), ec);
      if (ec) return path;
      current = directory / current.filename();
      if (!fs::is_symlink(fs::symlink_status(current, ec))) break;
      const fs::path target = fs::read_symlink(current, ec);
      if (ec) return path;
      current = (target.is_absolute() ? target : directory / target).lexically_normal();
    }
    real = current;
  }
  // No link on the way: the path as the user gave it (messages name what they typed).
  return real == lexical ? path : real.string();
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace npde::posix
