#include "store/truth_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "spec/canonical.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"

namespace npde {
namespace {

constexpr char kMagic[] = "npdesweep truth 1\n";

template <class T>
void put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
bool take(const std::string& in, size_t& pos, T& v) {
  if (in.size() - pos < sizeof v) return false;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

}  // namespace

std::string TruthCache::path_of(const std::string& key) const { return directory_ + "/" + content_hash(key) + ".bin"; }

// Layout: magic, u64 key length, key, u64 count, count doubles (little-endian, as computed),
// u32 CRC-32 of everything before it.
std::optional<std::vector<double>> TruthCache::find(const std::string& key) {
  const std::string path = path_of(key);
  if (!posix::exists(path)) return std::nullopt;
  std::string bytes;
  try {
    bytes = posix::read_file(path);
  } catch (const std::exception&) {
    ++damaged;
    return std::nullopt;
  }
  const size_t magic = sizeof kMagic - 1;
  std::uint32_t stored_crc = 0;
  size_t pos = bytes.size() >= 4 ? bytes.size() - 4 : 0;
  const bool sized = bytes.size() >= magic + 8 + 8 + 4 && take(bytes, pos, stored_crc);
  if (!sized || bytes.compare(0, magic, kMagic) != 0 || crc32(bytes.substr(0, bytes.size() - 4)) != stored_crc) {
    ++damaged;
    return std::nullopt;
  }
  pos = magic;
  std::uint64_t key_size = 0, count = 0;
  if (!take(bytes, pos, key_size) || key_size > bytes.size() - pos || bytes.compare(pos, key_size, key) != 0 ||
      key_size != key.size()) {
    ++damaged;  // another key with the same hash, or damage the checksum missed
    return std::nullopt;
  }
  pos += key_size;
  if (!take(bytes, pos, count) || count != (bytes.size() - 4 - pos) / sizeof(double) ||
      (bytes.size() - 4 - pos) % sizeof(double) != 0) {
    ++damaged;
    return std::nullopt;
  }
  std::vector<double> values(count);
  if (count) std::memcpy(values.data(), bytes.data() + pos, count * sizeof(double));
  ++found;
  return values;
}

void TruthCache::keep(const std::string& key, const std::vector<double>& values) {
  std::string bytes(kMagic);
  put(bytes, static_cast<std::uint64_t>(key.size()));
  bytes += key;
  put(bytes, static_cast<std::uint64_t>(values.size()));
  if (!values.empty()) bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(double));
  put(bytes, crc32(bytes));
  try {
    posix::make_directory(directory_);
    // A temporary name no other process uses, on any node (pids repeat across nodes), then
    // rename. Not fsync'd: a lost or torn entry fails its checksum and is recomputed.
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    const std::string path = path_of(key), temporary = path + ".tmp." + host + "." + std::to_string(getpid());
    try {
      posix::File f(temporary, O_WRONLY | O_CREAT | O_TRUNC);
      f.write_all(bytes.data(), bytes.size());
      f.close();
      posix::rename(temporary, path);
    } catch (...) {
      ::unlink(temporary.c_str());
      throw;
    }
    ++kept;
  } catch (const std::exception&) {
    ++unkept;
  }
}

}  // namespace npde
