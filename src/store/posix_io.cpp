#include "store/posix_io.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace npde::posix {
namespace {

struct Fault {
  int err = 0;
  bool short_write = false;
};
std::map<std::string, Fault>& faults() {
  static std::map<std::string, Fault> f;
  return f;
}

// Returns the injected errno for this call (consuming it), or 0.
Fault take_fault(const std::string& call) {
  auto it = faults().find(call);
  if (it == faults().end()) return {};
  Fault f = it->second;
  faults().erase(it);
  return f;
}

}  // namespace

IoError::IoError(const std::string& call, const std::string& path, int err)
    : std::runtime_error(call + " failed for '" + path + "': " + std::strerror(err)), err_(err) {}

void inject_fault(const std::string& call, int err, bool short_write) { faults()[call] = {err, short_write}; }
void clear_faults() { faults().clear(); }

void crash_point(const std::string& name, long id) {
  const char* where = std::getenv("NPDESWEEP_CRASH_POINT");
  if (where && name + ":" + std::to_string(id) == where) ::kill(::getpid(), SIGKILL);
}

int open(const std::string& path, int flags, int mode) {
  if (Fault f = take_fault("open"); f.err) throw IoError("open", path, f.err);
  int fd;
  do fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) throw IoError("open", path, errno);
  return fd;
}

void write_all(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  if (Fault f = take_fault("write"); f.err) {
    if (f.short_write && size > 1) (void)::write(fd, p, size / 2);
    throw IoError("write", path, f.err);
  }
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("write", path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void fsync(int fd, const std::string& path) {
  if (Fault f = take_fault("fsync"); f.err) throw IoError("fsync", path, f.err);
  if (::fsync(fd) != 0) throw IoError("fsync", path, errno);
}

void fsync_directory(const std::string& directory) {
  const int fd = open(directory, O_RDONLY | O_DIRECTORY);
  try {
    fsync(fd, directory);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

void rename(const std::string& from, const std::string& to) {
  if (Fault f = take_fault("rename"); f.err) throw IoError("rename", from + "' -> '" + to, f.err);
  if (::rename(from.c_str(), to.c_str()) != 0) throw IoError("rename", from + "' -> '" + to, errno);
}

void close(int fd, const std::string& path) {
  if (::close(fd) != 0 && errno != EINTR) throw IoError("close", path, errno);
}

void make_directory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) throw IoError("mkdir", path, errno);
}

std::string read_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw IoError("open", path, EISDIR);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("open", path, errno ? errno : ENOENT);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file_atomic(const std::string& path, const void* data, size_t size, bool durable) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
  try {
    write_all(fd, data, size, tmp);
    if (durable) fsync(fd, tmp);  // the data reach the disk before the name does
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  try {
    close(fd, tmp);
    rename(tmp, path);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  if (durable) {
    const size_t slash = path.rfind('/');
    fsync_directory(slash == std::string::npos ? "." : path.substr(0, slash));
  }
}

std::string resolve_link(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return path;  // a dangling link: used as given, and errors name it
  std::string out(resolved);
  std::free(resolved);
  return out;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace npde::posix
