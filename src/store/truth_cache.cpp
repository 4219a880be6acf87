#include "store/truth_cache.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "input/canonical.hpp"
#include "store/journal.hpp"
#include "store/posix_io.hpp"

namespace npde {
namespace {

constexpr char kMagic[] = "npdesweep truth 1\n";

template <class T>
void put(std::string& out, const T& v) {
  const size_t at = out.size();
  out.resize(at + sizeof v);
  std::memcpy(&out[at], &v, sizeof v);
}

template <class T>
bool take(const std::string& in, size_t& pos, T& v) {
  if (in.size() - pos < sizeof v) return false;
  std::memcpy(&v, in.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

// Values are the computed doubles themselves, so a cell that finds them is bitwise the cell that
// computed them.
std::vector<double> pack(const TruthTrajectory& t) {
  std::vector<double> v{static_cast<double>(t.accepted_steps), static_cast<double>(t.rejected_steps),
                        static_cast<double>(t.refined_accepted_steps), static_cast<double>(t.refined_rejected_steps)};
  v.insert(v.end(), t.states.data(), t.states.data() + t.states.size());
  return v;
}

std::optional<TruthTrajectory> unpack_trajectory(const std::vector<double>& v, long n, long columns) {
  if (v.size() != static_cast<size_t>(4 + n * columns)) return std::nullopt;
  TruthTrajectory t;
  t.accepted_steps = static_cast<long>(v[0]);
  t.rejected_steps = static_cast<long>(v[1]);
  t.refined_accepted_steps = static_cast<long>(v[2]);
  t.refined_rejected_steps = static_cast<long>(v[3]);
  t.states = Eigen::Map<const Eigen::MatrixXd>(v.data() + 4, n, columns);
  return t;
}

std::vector<double> pack(const Spectrum& s) {
  const long n = s.eigenvalues.size();
  std::vector<double> v;
  v.reserve(static_cast<size_t>(3 * n) + 7 + kPseudospectralEpsilons.size());
  for (long i = 0; i < n; ++i) v.insert(v.end(), {s.eigenvalues[i].real(), s.eigenvalues[i].imag()});
  v.insert(v.end(), s.condition.data(), s.condition.data() + n);
  v.insert(v.end(), {s.norm, s.sigma_min, s.log_abs_det, static_cast<double>(s.rounding_set)});
  v.insert(v.end(), s.pseudospectral_radius.begin(), s.pseudospectral_radius.end());
  v.insert(v.end(), {s.transient_growth, static_cast<double>(s.transient_growth_step), s.transient_growth_error});
  return v;
}

std::optional<Spectrum> unpack_spectrum(const std::vector<double>& v, long n) {
  constexpr size_t scalars = 7 + kPseudospectralEpsilons.size();
  if (v.size() != static_cast<size_t>(3 * n) + scalars) return std::nullopt;
  Spectrum s;
  s.eigenvalues.resize(n);
  for (long i = 0; i < n; ++i) s.eigenvalues[i] = {v[static_cast<size_t>(2 * i)], v[static_cast<size_t>(2 * i + 1)]};
  s.condition = Eigen::Map<const Eigen::VectorXd>(v.data() + 2 * n, n);
  const double* tail = v.data() + 3 * n;
  s.norm = tail[0];
  s.sigma_min = tail[1];
  s.log_abs_det = tail[2];
  s.rounding_set = static_cast<int>(tail[3]);
  std::copy(tail + 4, tail + 4 + kPseudospectralEpsilons.size(), s.pseudospectral_radius.begin());
  const double* growth = tail + 4 + kPseudospectralEpsilons.size();
  s.transient_growth = growth[0];
  s.transient_growth_step = static_cast<int>(growth[1]);
  s.transient_growth_error = growth[2];
  s.overflowed = std::isinf(s.norm);  // only a map that is not finite has an infinite norm
  return s;
}

}  // namespace

// "trajectory = 2": entries hold a Richardson correction's refined-grid step counts apart.
std::string TruthCache::text_of(const TruthTrajectoryKey& key) {
  return "npdesweep truth trajectory\ntrajectory = 2\n" + canonical_truth_toml(key.cell) + "ic = " + initial_condition_toml(key.ic) +
         "\n" +
         (key.cell.integrator.adaptive_truth()
              ? std::string()
              : key.cell.integrator.truth_name() + "_substeps = " + std::to_string(key.fixed_substeps) +
                    "\n");
}

// "spectrum = 4": entries hold the conditioning and the transient growth over `horizon` maps,
// with LAPACK's singular values and the growth from the Schur form's powers (entries of 1 held
// eigenvalues only, of 2 no growth, of 3 Eigen's singular values and half today's growth bound).
std::string TruthCache::text_of(const TruthSpectrumKey& key) {
  return text_of(key.trajectory) + "jacobian state = " + std::to_string(key.state) +
         "\nsubsteps = " + std::to_string(key.substeps) + "\nmap_steps = " + std::to_string(key.map_steps) + "\n" +
         (key.stepper == Stepper() ? std::string() : "stepper = " + key.stepper.name() + "\n") +
         "spectrum = 4\nhorizon = " + std::to_string(key.horizon) + "\n" +
         (key.pseudospectra == PseudospectralSearch::rays ? std::string() : "pseudospectra = global\n");
}

std::optional<TruthTrajectory> TruthCache::find(const TruthTrajectoryKey& key) {
  const auto values = find_values(text_of(key));
  return values ? unpack_trajectory(*values, key.cell.pde.resolution, key.cell.steps + 1) : std::nullopt;
}

void TruthCache::keep(const TruthTrajectoryKey& key, const TruthTrajectory& value) {
  keep_values(text_of(key), pack(value));
}

std::optional<Spectrum> TruthCache::find(const TruthSpectrumKey& key) {
  const auto values = find_values(text_of(key));
  return values ? unpack_spectrum(*values, key.trajectory.cell.pde.resolution) : std::nullopt;
}

void TruthCache::keep(const TruthSpectrumKey& key, const Spectrum& value) { keep_values(text_of(key), pack(value)); }

std::string TruthCache::path_of(const std::string& key) const { return directory_ + "/" + content_hash(key) + ".bin"; }

// Layout: magic, u64 key length, key, u64 count, count doubles (little-endian, as computed),
// u32 CRC-32 of everything before it.
std::optional<std::vector<double>> TruthCache::find_values(const std::string& key) {
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

void TruthCache::keep_values(const std::string& key, const std::vector<double>& values) {
  std::string bytes(kMagic);
  put(bytes, static_cast<std::uint64_t>(key.size()));
  bytes += key;
  put(bytes, static_cast<std::uint64_t>(values.size()));
  const size_t at = bytes.size();
  bytes.resize(at + values.size() * sizeof(double));
  if (!values.empty()) std::memcpy(&bytes[at], values.data(), values.size() * sizeof(double));
  put(bytes, crc32(bytes));
  try {
    posix::make_directory(directory_);
    // Not fsync'd: a lost or torn entry fails its checksum and is recomputed. Two workers
    // keeping one key write the same bytes; the last rename wins.
    posix::write_file_atomic(path_of(key), bytes, /*durable=*/false);
    ++kept;
  } catch (const std::exception&) {
    ++unkept;
  }
}

}  // namespace npde
