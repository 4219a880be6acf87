#include "store/store_paths.hpp"

#include <csignal>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

#include "pipeline/cell_status.hpp"
#include "input/canonical.hpp"
#include "input/error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"

namespace npde {

StorePaths::StorePaths(const std::string& store_file)
    : file(posix::resolve_link(store_file)),  // one store, one sidecar, whichever links lead to it
      sidecar(file + ".d"),
      journal(sidecar + "/journal"),
      lock(sidecar + "/lock"),
      shards(sidecar + "/shards"),
      sweep_toml(sidecar + "/sweep.toml"),
      history(sidecar + "/history"),
      rebuilding(sidecar + "/rebuilding") {}

void mark_rebuilding(const StorePaths& paths) {
  posix::write_file_atomic(paths.rebuilding, "host " + posix::host_name() + " pid " + std::to_string(getpid()) + "\n");
}

void unmark_rebuilding(const StorePaths& paths) { posix::remove(paths.rebuilding); }

namespace {

// The rebuilding mark's text ("" when there is none), and whether its writer, a process on this
// host, is gone.
std::string read_rebuilding_mark(const StorePaths& paths, bool* gone) {
  *gone = false;
  if (!posix::exists(paths.rebuilding)) return "";
  std::string mark;
  try {
    mark = posix::read_file(paths.rebuilding);
  } catch (const Error& e) {  // it went between the look and the read (looked at again by the caller), or cannot be read
    mark = std::string("(unreadable: ") + e.what() + ")";
  }
  while (!mark.empty() && mark.back() == '\n') mark.pop_back();
  std::istringstream words(mark);
  std::string host_word, host, pid_word;
  long pid = 0;
  words >> host_word >> host >> pid_word >> pid;
  *gone = host == posix::host_name() && pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
  return mark.empty() ? std::string("(empty)") : mark;
}

}  // namespace

std::string cut_short_rebuild(const StorePaths& paths) {
  bool gone = false;
  const std::string mark = read_rebuilding_mark(paths, &gone);
  return gone ? mark : "";
}

std::string wait_while_rebuilding(const StorePaths& paths, double seconds) {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    bool gone = false;
    const std::string mark = read_rebuilding_mark(paths, &gone);
    if (mark.empty()) return "";
    if (gone) return mark + ", a process that is gone: the rebuild was cut short";
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= seconds) return mark;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string StorePaths::history_entry(int n) const { return history + "/" + std::to_string(n) + ".toml"; }

std::string StorePaths::shard(long id, const std::string& hash) const {
  return shards + "/" + std::to_string(id) + "-" + hash + ".h5";
}

std::vector<long> cells_without_shard(const StorePaths& paths, const std::vector<std::pair<long, std::string>>& ids) {
  std::set<std::string> present;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(paths.shards, ec), end; !ec && it != end; it.increment(ec))
    present.insert(it->path().filename().string());
  std::vector<long> missing;
  for (const auto& [id, hash] : ids)
    if (!present.count(std::to_string(id) + "-" + hash + ".h5")) missing.push_back(id);
  return missing;
}

std::string shard_identity_problem(hid_t shard, const std::string& path, const std::string& hash) {
  const std::string stored = h5::read_string_attribute(shard, ".", "content_hash");
  if (stored != hash) return "its shard " + path + " holds another cell (content hash " + stored + ", expected " + hash + ")";
  status_from_name(h5::read_string_attribute(shard, ".", "status"));
  const double schema = h5::read_double_attribute(shard, ".", "schema_version");
  if (!(schema >= 1 && schema <= kSchemaVersion))
    return "its shard " + path + " claims schema version " + std::to_string(schema) + " (this npdesweep writes " +
           std::to_string(kSchemaVersion) + ")";
  return "";
}

std::string shard_problem(const std::string& path, const std::string& hash) {
  if (!posix::exists(path)) return "its shard " + path + " is missing";
  try {
    h5::Object shard = h5::open_file_read_only(path);
    return shard_identity_problem(shard.id(), path, hash);
  } catch (const std::exception& e) {  // BadFileError, or a status that is not one
    return "its shard " + path + " cannot be read (" + e.what() + ")";
  }
}

}  // namespace npde
