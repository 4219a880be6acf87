#include "store/h5.hpp"

#include <hdf5_hl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "store/posix_io.hpp"

namespace npde::h5 {
namespace {

// HDF5 prints its error stack to stderr by default; we collect it into the exception instead.
struct SilenceAutomaticErrorPrinting {
  SilenceAutomaticErrorPrinting() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
} silence;

struct Collected {
  std::string top;     // the description of the outermost error
  std::string system;  // the file driver's report of a failed system call ("... errno = 5 ...")
};

herr_t collect(unsigned n, const H5E_error2_t* e, void* out) {
  auto* c = static_cast<Collected*>(out);
  if (n == 0 && e->desc) c->top = e->desc;
  if (e->desc && c->system.empty() && std::strstr(e->desc, "errno = ")) c->system = e->desc;
  return 0;
}

[[noreturn]] void raise(const std::string& call, const std::string& path) {
  Collected c;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &c);
  H5Eclear2(H5E_DEFAULT);
  const std::string message = call + " failed for '" + path + "'" + (c.top.empty() ? "" : ": " + c.top);
  if (c.system.empty()) throw BadFileError(message);
  // A failed system call: the file system failed (EIO, ENOSPC: IoError), unless the name itself
  // is wrong (no such file, a directory, no permission: the file is not what it should be).
  const int err = std::atoi(c.system.c_str() + c.system.find("errno = ") + 8);
  if (err == ENOENT || err == ENOTDIR || err == EISDIR || err == EACCES || err == ENAMETOOLONG || err == ELOOP)
    throw BadFileError(message + " (" + c.system + ")");
  throw IoError(message + " (" + c.system + ")", err);
}

hid_t check(hid_t id, const char* call, const std::string& path) {
  if (id < 0) raise(call, path);
  return id;
}

void check_status(herr_t status, const char* call, const std::string& path) {
  if (status < 0) raise(call, path);
}

Object dataspace(const std::vector<hsize_t>& shape) {
  if (shape.empty()) return Object(check(H5Screate(H5S_SCALAR), "H5Screate", "scalar"), H5Sclose);
  return Object(check(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr), "H5Screate_simple", ""),
                H5Sclose);
}

Object write_raw(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, hid_t file_type,
                 hid_t mem_type, const void* data) {
  Object space = dataspace(shape);
  Object set(check(H5Dcreate2(loc, name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                   "H5Dcreate2", name),
             H5Dclose);
  check_status(H5Dwrite(set.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite", name);
  return set;
}

// netCDF-4's (and so xarray's) mark of a text dataset's encoding: with it xarray reads the
// fixed-length text as str, without it as bytes.
void mark_utf8(hid_t dataset) { set_attribute(dataset, "_Encoding", std::string("utf-8")); }

Object complex_type() {
  Object t(check(H5Tcreate(H5T_COMPOUND, sizeof(std::complex<double>)), "H5Tcreate", "complex"), H5Tclose);
  check_status(H5Tinsert(t.id(), "r", 0, H5T_NATIVE_DOUBLE), "H5Tinsert", "complex.r");
  check_status(H5Tinsert(t.id(), "i", sizeof(double), H5T_NATIVE_DOUBLE), "H5Tinsert", "complex.i");
  return t;
}

Object string_type(size_t size) {
  Object t(check(H5Tcopy(H5T_C_S1), "H5Tcopy", "string"), H5Tclose);
  check_status(H5Tset_size(t.id(), size == 0 ? 1 : size), "H5Tset_size", "string");
  check_status(H5Tset_cset(t.id(), H5T_CSET_UTF8), "H5Tset_cset", "string");
  return t;
}

void write_attribute(hid_t obj, const std::string& name, hid_t type, const std::vector<hsize_t>& shape,
                     const void* data) {
  Object space = dataspace(shape);
  Object attr(check(H5Acreate2(obj, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", name),
              H5Aclose);
  check_status(H5Awrite(attr.id(), type, data), "H5Awrite", name);
}

}  // namespace

namespace {

// Names of the files this process has open with the MPI-IO driver. Asking HDF5 for a file's
// driver is no use here: H5Fget_access_plist duplicates the file's communicator, a collective
// call, which is just what a rank unwinding alone must not make.
std::set<std::string>& mpio_files() {
  static std::set<std::string> names;
  return names;
}

// The name of the file `id` belongs to, as HDF5 keeps it (H5Fget_name reads no file: local).
std::string file_name_of(hid_t id) {
  const ssize_t size = H5Fget_name(id, nullptr, 0);
  if (size < 0) return "";
  std::string name(static_cast<size_t>(size) + 1, '\0');
  H5Fget_name(id, name.data(), name.size());
  name.resize(static_cast<size_t>(size));
  return name;
}

bool in_mpio_file(hid_t id) { return !mpio_files().empty() && mpio_files().count(file_name_of(id)) > 0; }

// Closes an MPI-IO file and forgets its name.
herr_t close_mpio_file(hid_t id) {
  mpio_files().erase(file_name_of(id));
  return H5Fclose(id);
}

}  // namespace

Object& Object::operator=(Object&& o) noexcept {
  if (this != &o) {
    if (id_ >= 0 && close_) close_(id_);
    id_ = o.id_;
    close_ = o.close_;
    unwinding_ = o.unwinding_;
    o.id_ = -1;
  }
  return *this;
}

Object::~Object() {
  if (id_ < 0 || !close_) return;
  if (std::uncaught_exceptions() > unwinding_ && in_mpio_file(id_)) return;  // see h5.hpp
  close_(id_);
}

void Object::close(const std::string& path) {
  if (id_ < 0 || !close_) return;
  const hid_t id = id_;
  id_ = -1;
  check_status(close_(id), (close_ == &H5Fclose || close_ == &close_mpio_file) ? "H5Fclose" : "H5Oclose", path);
}

Object create_memory_file(const std::string& name) {
  Object fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate", name), H5Pclose);
  check_status(H5Pset_fapl_core(fapl.id(), 1 << 16, /*backing_store=*/false), "H5Pset_fapl_core", name);
  return Object(check(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "H5Fcreate", name), H5Fclose);
}

std::vector<unsigned char> file_image(hid_t file) {
  check_status(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush", "file image");
  const ssize_t size = H5Fget_file_image(file, nullptr, 0);
  if (size < 0) raise("H5Fget_file_image", "file image");
  std::vector<unsigned char> bytes(static_cast<size_t>(size));
  if (H5Fget_file_image(file, bytes.data(), bytes.size()) != size) raise("H5Fget_file_image", "file image");
  return bytes;
}

Object open_file_read_only(const std::string& path) {
  if (const int err = posix::injected_error("h5-open", path))  // test hook: NPDESWEEP_IO_FAULT
    throw IoError("H5Fopen failed for '" + path + "': " + std::strerror(err) + " (injected)", err);
  // Only regular files: HDF5 would block for ever opening a FIFO, and read a device.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    throw BadFileError("H5Fopen refused for '" + path + "': not a regular file");
  // Without HDF5's own file lock: readers must work on a store a running sweep holds open.
  Object fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate", path), H5Pclose);
  check_status(H5Pset_file_locking(fapl.id(), false, true), "H5Pset_file_locking", path);
  return Object(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.id()), "H5Fopen", path), H5Fclose);
}

namespace {

Object mpio_access(MPI_Comm comm, const std::string& path) {
  Object fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate", path), H5Pclose);
  MPI_Info info = MPI_INFO_NULL;
  const auto hints = mpiio_hints_from_environment();
  if (!hints.empty()) {
    MPI_Info_create(&info);
    for (const auto& [key, value] : hints) MPI_Info_set(info, key.c_str(), value.c_str());
  }
  const herr_t status = H5Pset_fapl_mpio(fapl.id(), comm, info);  // HDF5 keeps its own copy
  if (info != MPI_INFO_NULL) MPI_Info_free(&info);
  check_status(status, "H5Pset_fapl_mpio", path);
  return fapl;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> mpiio_hints_from_environment() {
  std::vector<std::pair<std::string, std::string>> hints;
  const char* text = std::getenv("NPDESWEEP_MPIIO_HINTS");
  if (!text) return hints;
  std::string all(text);
  size_t pos = 0;
  while (pos <= all.size()) {
    const size_t comma = std::min(all.find(',', pos), all.size());
    const std::string entry = all.substr(pos, comma - pos);
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size() || entry.size() >= MPI_MAX_INFO_VAL ||
        eq >= static_cast<size_t>(MPI_MAX_INFO_KEY) || entry.find_first_of(" \t\n") != std::string::npos)
      throw std::invalid_argument("NPDESWEEP_MPIIO_HINTS: '" + entry +
                                  "' is not key=value (entries are separated by commas, no spaces)");
    hints.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    pos = comma + 1;
  }
  return hints;
}

Object create_parallel_file(const std::string& path, MPI_Comm comm) {
  if (const int err = posix::injected_error("h5-create", path))  // test hook: NPDESWEEP_IO_FAULT
    throw IoError("H5Fcreate failed for '" + path + "': " + std::strerror(err) + " (injected)", err);
  Object fapl = mpio_access(comm, path);
  mpio_files().insert(path);
  return Object(check(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "H5Fcreate", path),
                close_mpio_file);
}

Object open_parallel_file(const std::string& path, MPI_Comm comm) {
  Object fapl = mpio_access(comm, path);
  mpio_files().insert(path);
  return Object(check(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.id()), "H5Fopen", path), close_mpio_file);
}

void flush(hid_t file) { check_status(H5Fflush(file, H5F_SCOPE_GLOBAL), "H5Fflush", "file"); }

Object open_group(hid_t loc, const std::string& path) {
  return Object(check(H5Gopen2(loc, path.c_str(), H5P_DEFAULT), "H5Gopen2", path), H5Gclose);
}

Object open_dataset(hid_t loc, const std::string& path) {
  return Object(check(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), "H5Dopen2", path), H5Dclose);
}

Object memory_type(Type t, size_t string_size) {
  switch (t) {
    case Type::f64: return Object(check(H5Tcopy(H5T_NATIVE_DOUBLE), "H5Tcopy", "double"), H5Tclose);
    case Type::i32: return Object(check(H5Tcopy(H5T_NATIVE_INT32), "H5Tcopy", "int32"), H5Tclose);
    case Type::i64: return Object(check(H5Tcopy(H5T_NATIVE_INT64), "H5Tcopy", "int64"), H5Tclose);
    case Type::c128: return complex_type();
    case Type::str: return string_type(string_size);
  }
  throw BadFileError("unknown element type");
}

Object create_row_dataset(hid_t loc, const std::string& name, Type type, const std::vector<hsize_t>& shape,
                          size_t string_size) {
  Object space = dataspace(shape);
  Object dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate", name), H5Pclose);
  check_status(H5Pset_layout(dcpl.id(), H5D_CONTIGUOUS), "H5Pset_layout", name);
  check_status(H5Pset_alloc_time(dcpl.id(), H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time", name);
  check_status(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_ALLOC), "H5Pset_fill_time", name);
  Object mt = memory_type(type, string_size);
  // Unwritten numbers read as NaN (or -1 for integers), so a missing row cannot pass for data.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::int32_t i32 = -1;
  const std::int64_t i64 = -1;
  const std::complex<double> c(nan, nan);
  const void* fill = type == Type::f64 ? static_cast<const void*>(&nan)
                     : type == Type::i32 ? static_cast<const void*>(&i32)
                     : type == Type::i64 ? static_cast<const void*>(&i64)
                     : type == Type::c128 ? static_cast<const void*>(&c)
                                          : nullptr;
  if (fill) check_status(H5Pset_fill_value(dcpl.id(), mt.id(), fill), "H5Pset_fill_value", name);
  Object set(check(H5Dcreate2(loc, name.c_str(), mt.id(), space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
                   "H5Dcreate2", name),
             H5Dclose);
  if (type == Type::str) mark_utf8(set.id());
  return set;
}

// "/results/N16/loss/train", for messages.
std::string name_of(hid_t object) {
  char name[512] = {};
  if (H5Iget_name(object, name, sizeof name) <= 0) return "dataset";
  return name;
}

void write_row(hid_t dataset, Type type, hsize_t row, const std::vector<hsize_t>& item_shape, const void* data,
               size_t string_size) {
  const std::string where = name_of(dataset) + " row " + std::to_string(row);
  if (const int err = posix::injected_error("h5-write", where))  // test hook: NPDESWEEP_IO_FAULT
    throw IoError("H5Dwrite failed for '" + where + "': " + std::strerror(err) + " (injected)", err);
  Object file_space(check(H5Dget_space(dataset), "H5Dget_space", "row"), H5Sclose);
  std::vector<hsize_t> start(item_shape.size() + 1, 0), count{1};
  start[0] = row;
  count.insert(count.end(), item_shape.begin(), item_shape.end());
  check_status(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
               "H5Sselect_hyperslab", "row " + std::to_string(row));
  Object mem_space = dataspace(count);
  Object mt = memory_type(type, string_size);
  check_status(H5Dwrite(dataset, mt.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, data), "H5Dwrite", where);
}

void attach_scale(hid_t dataset, hid_t scale, unsigned dim, const std::string& name) {
  if (H5DSis_scale(scale) <= 0) check_status(H5DSset_scale(scale, name.c_str()), "H5DSset_scale", name);
  check_status(H5DSattach_scale(dataset, scale, dim), "H5DSattach_scale", name);
}

std::string packed_strings(const std::vector<std::string>& values, size_t width) {
  std::string packed(values.size() * width, '\0');
  for (size_t i = 0; i < values.size(); ++i)
    packed.replace(i * width, std::min(width, values[i].size()), values[i].substr(0, width));
  return packed;
}

void write_whole(hid_t dataset, Type type, const void* data, size_t string_size) {
  const std::string where = name_of(dataset);
  if (const int err = posix::injected_error("h5-write", where))  // test hook: NPDESWEEP_IO_FAULT
    throw IoError("H5Dwrite failed for '" + where + "': " + std::strerror(err) + " (injected)", err);
  Object mt = memory_type(type, string_size);
  check_status(H5Dwrite(dataset, mt.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "H5Dwrite", where);
}

std::vector<hsize_t> shape_of(hid_t loc, const std::string& path) {
  Object set = open_dataset(loc, path);
  Object space(check(H5Dget_space(set.id()), "H5Dget_space", path), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  return dims;
}

namespace {

// The numeric file types npdesweep writes (little-endian IEEE doubles, two's-complement
// integers), or a compound of two doubles. libhdf5 1.10 converts any other declared type and
// crashes on damaged ones (a bus error in its integer-to-float conversion; fuzzing found it),
// so nothing else is handed to a conversion.
bool standard_type(hid_t type) {
  for (hid_t known : {H5T_IEEE_F64LE, H5T_IEEE_F32LE, H5T_STD_I32LE, H5T_STD_I64LE, H5T_STD_U32LE, H5T_STD_U64LE,
                      H5T_STD_I8LE, H5T_STD_U8LE, H5T_STD_I16LE, H5T_STD_U16LE})
    if (H5Tequal(type, known) > 0) return true;
  if (H5Tget_class(type) == H5T_COMPOUND && H5Tget_nmembers(type) == 2) {
    for (unsigned m = 0; m < 2; ++m) {
      Object member(H5Tget_member_type(type, m), H5Tclose);
      if (member.id() < 0 || H5Tequal(member.id(), H5T_IEEE_F64LE) <= 0) return false;
    }
    return true;
  }
  return false;
}

Type element_type(hid_t set, const std::string& path) {
  Object type(check(H5Dget_type(set), "H5Dget_type", path), H5Tclose);
  // The sizes the store writes, and nothing else: HDF5 sizes its conversion buffers by the file
  // type, so a damaged size field would make it allocate gigabytes (fuzzing found it).
  const size_t size = H5Tget_size(type.id());
  auto expect = [&](bool ok, Type t) {
    if (!ok) throw BadFileError("dataset '" + path + "' has elements of " + std::to_string(size) + " bytes, not a type the store writes");
    return t;
  };
  const H5T_class_t kind = H5Tget_class(type.id());
  if (kind != H5T_STRING && !standard_type(type.id()))
    throw BadFileError("dataset '" + path + "' has an element type npdesweep does not write (damaged file?)");
  switch (kind) {
    case H5T_FLOAT: return expect(size == 4 || size == 8, Type::f64);
    case H5T_INTEGER: return expect(size >= 1 && size <= 8, size > 4 ? Type::i64 : Type::i32);
    case H5T_COMPOUND: return expect(size == 16, Type::c128);
    case H5T_STRING: return expect(size >= 1 && size <= 65536, Type::str);
    default: throw BadFileError("dataset '" + path + "' has an element type the store does not use");
  }
}

}  // namespace

size_t element_size(Type t) { return t == Type::c128 ? 16 : (t == Type::i32 ? 4 : 8); }

size_t string_size(hid_t set, const std::string& path) {
  Object type(check(H5Dget_type(set), "H5Dget_type", path), H5Tclose);
  return H5Tget_size(type.id());
}

// Bytes to read for `count` elements of `width`, refused when the dataset claims more than its
// file could hold (a damaged or hostile shape would otherwise allocate terabytes; fuzzing found
// it). The store's datasets are contiguous and unfiltered, so their bytes are in the file.
static size_t checked_read_size(hid_t set, const std::vector<hsize_t>& dims, size_t width, const std::string& path) {
  double bytes = static_cast<double>(width);
  for (hsize_t d : dims) bytes *= static_cast<double>(d);
  // The readers open files with the default driver; a worker reading its own MPI-IO store has
  // no file size to ask for alone (H5Fget_filesize fails there) and reads what it wrote.
  hsize_t file_size = 0;
  const hid_t file = H5Iget_file_id(set);
  const bool sized = file >= 0 && H5Fget_filesize(file, &file_size) >= 0;
  if (file >= 0) H5Fclose(file);
  if (!sized) H5Eclear2(H5E_DEFAULT);
  if (sized && bytes > 16.0 * static_cast<double>(file_size) + (1 << 20))
  {
    char claim[64];
    std::snprintf(claim, sizeof claim, "%.4g", bytes);
    throw BadFileError("dataset '" + path + "' claims " + claim + " bytes, more than its file of " + std::to_string(file_size) +
                " bytes can hold (damaged file?)");
  }
  return static_cast<size_t>(bytes);
}

// Every dataset npdesweep writes is contiguous and allocated in full, so its bytes in the file
// are exactly its elements. libhdf5 1.10 trusts a damaged layout message (a "compact" dataset
// with no data, a storage size that does not match) and copies past its buffers: a segfault
// that fuzzing found. Checked here before any read.
static void check_storage(hid_t set, const std::string& path) {
  Object dcpl(check(H5Dget_create_plist(set), "H5Dget_create_plist", path), H5Pclose);
  if (H5Pget_layout(dcpl.id()) != H5D_CONTIGUOUS)
    throw BadFileError("dataset '" + path + "' is not stored as npdesweep stores its datasets (contiguous; damaged file?)");
  Object type(check(H5Dget_type(set), "H5Dget_type", path), H5Tclose);
  Object space(check(H5Dget_space(set), "H5Dget_space", path), H5Sclose);
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  const double expected = static_cast<double>(points) * static_cast<double>(H5Tget_size(type.id()));
  const double stored = static_cast<double>(H5Dget_storage_size(set));
  // Every dataset npdesweep writes is allocated in full (row datasets early, the rest when
  // written), so "never allocated" is damage too: HDF5 1.10 segfaults on such a layout.
  if (points < 0 || stored != expected) {
    char sizes[96];  // doubles, not casts: a damaged shape can exceed every integer type
    std::snprintf(sizes, sizeof sizes, "%.0f bytes in the file for %.4g bytes of elements", stored, expected);
    throw BadFileError("dataset '" + path + "' has " + sizes + " (damaged file?)");
  }
}

RawData read_raw(hid_t loc, const std::string& path) {
  Object set = open_dataset(loc, path);
  check_storage(set.id(), path);
  RawData r;
  r.type = element_type(set.id(), path);
  r.shape = shape_of(loc, path);
  const size_t width = r.type == Type::str ? string_size(set.id(), path) : element_size(r.type);
  r.bytes.resize(checked_read_size(set.id(), r.shape, width, path));
  Object mt = memory_type(r.type, width);
  check_status(H5Dread(set.id(), mt.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, r.bytes.data()), "H5Dread", path);
  return r;
}

RawData read_row(hid_t loc, const std::string& path, hsize_t row) {
  Object set = open_dataset(loc, path);
  check_storage(set.id(), path);
  RawData r;
  r.type = element_type(set.id(), path);
  std::vector<hsize_t> dims = shape_of(loc, path);
  if (dims.empty() || row >= dims[0])
    throw BadFileError("row " + std::to_string(row) + " of '" + path + "' does not exist (shape has " +
                (dims.empty() ? std::string("no rows") : std::to_string(dims[0]) + " rows") + ")");
  r.shape.assign(dims.begin() + 1, dims.end());
  r.bytes.resize(checked_read_size(set.id(), r.shape, element_size(r.type), path));
  Object file_space(check(H5Dget_space(set.id()), "H5Dget_space", path), H5Sclose);
  std::vector<hsize_t> start(dims.size(), 0), cnt = dims;
  start[0] = row;
  cnt[0] = 1;
  check_status(H5Sselect_hyperslab(file_space.id(), H5S_SELECT_SET, start.data(), nullptr, cnt.data(), nullptr),
               "H5Sselect_hyperslab", path);
  Object mem_space = dataspace(cnt);
  Object mt = memory_type(r.type);
  check_status(H5Dread(set.id(), mt.id(), mem_space.id(), file_space.id(), H5P_DEFAULT, r.bytes.data()), "H5Dread",
               path);
  return r;
}

bool is_hdf5(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;  // a FIFO would block
  const htri_t r = H5Fis_hdf5(path.c_str());
  if (r < 0) {
    Collected c;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &c);
    if (!c.system.empty()) {  // the disk failed, not the format
      H5Eclear2(H5E_DEFAULT);
      throw IoError("H5Fis_hdf5 failed for '" + path + "' (" + c.system + ")");
    }
  }
  H5Eclear2(H5E_DEFAULT);
  return r > 0;
}

Object create_group(hid_t parent, const std::string& name) {
  return Object(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "H5Gcreate2", name),
                H5Gclose);
}

bool exists(hid_t loc, const std::string& path) {
  // Check each prefix: H5Lexists fails (instead of answering no) when an ancestor is missing.
  size_t pos = path[0] == '/' ? 1 : 0;
  while (true) {
    const size_t next = path.find('/', pos);
    const std::string prefix = path.substr(0, next);
    if (H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    pos = next + 1;
  }
}

Object write(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, const double* data) {
  return write_raw(loc, name, shape, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data);
}

Object write(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, const int* data) {
  return write_raw(loc, name, shape, H5T_STD_I32LE, H5T_NATIVE_INT, data);
}

Object write(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, const std::complex<double>* data) {
  Object type = complex_type();
  return write_raw(loc, name, shape, type.id(), type.id(), data);
}

Object write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values) {
  size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  std::vector<char> buf(values.size() * width, '\0');
  for (size_t i = 0; i < values.size(); ++i) values[i].copy(buf.data() + i * width, values[i].size());
  Object type = string_type(width);
  Object set = write_raw(loc, name, {values.size()}, type.id(), type.id(), buf.data());
  mark_utf8(set.id());
  return set;
}

bool attribute_exists(hid_t loc, const std::string& object_path, const std::string& name) {
  const htri_t found = H5Aexists_by_name(loc, object_path.c_str(), name.c_str(), H5P_DEFAULT);
  if (found < 0) throw BadFileError("cannot look up attribute " + name + " of " + object_path);
  return found > 0;
}

void set_attribute(hid_t obj, const std::string& name, const std::string& value) {
  Object type = string_type(value.size());
  write_attribute(obj, name, type.id(), {}, value.empty() ? "" : value.data());
}

void set_attribute(hid_t obj, const std::string& name, double value) {
  write_attribute(obj, name, H5T_NATIVE_DOUBLE, {}, &value);
}

void set_attribute(hid_t obj, const std::string& name, long long value) {
  write_attribute(obj, name, H5T_NATIVE_LLONG, {}, &value);
}

void set_attribute(hid_t obj, const std::string& name, const std::vector<int>& values) {
  write_attribute(obj, name, H5T_NATIVE_INT, {values.size()}, values.data());
}

void describe(hid_t obj, const std::string& description, const std::string& units) {
  set_attribute(obj, "description", description);
  set_attribute(obj, "long_name", description);  // CF's name for it (ncdump, xarray, Panoply show it)
  if (!units.empty()) set_attribute(obj, "units", units);
}

void label_dimensions(hid_t dataset, const std::vector<std::string>& labels) {
  for (size_t d = 0; d < labels.size(); ++d)
    check_status(H5DSset_label(dataset, static_cast<unsigned>(d), labels[d].c_str()), "H5DSset_label", labels[d]);
}

namespace {

// One attribute holding exactly one value (H5Aread fills every element, so an array where a
// scalar is expected would be written past the end of the caller's buffer).
Object open_attribute(hid_t loc, const std::string& path, const std::string& name) {
  if (H5Aexists_by_name(loc, path.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
    throw BadFileError("no attribute '" + name + "' on '" + path + "'");
  Object attr(check(H5Aopen_by_name(loc, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), "H5Aopen_by_name",
                    path + "@" + name),
              H5Aclose);
  Object space(check(H5Aget_space(attr.id()), "H5Aget_space", name), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.id()) != 1)
    throw BadFileError("attribute '" + name + "' on '" + path + "' is not a single value");
  return attr;
}

}  // namespace

std::string read_string_attribute(hid_t loc, const std::string& path, const std::string& name) {
  Object attr = open_attribute(loc, path, name);
  Object type(check(H5Aget_type(attr.id()), "H5Aget_type", name), H5Tclose);
  // Fixed-length only: libhdf5 1.10.8 trusts the global-heap index of a variable-length value
  // and segfaults on a damaged one (H5HG_read; fuzzing found it within 1,400 inputs:
  // fuzz/regressions/store/libhdf5-vlen-attribute-global-heap-index). npdesweep writes none.
  if (H5Tget_class(type.id()) != H5T_STRING || H5Tis_variable_str(type.id()) > 0 || H5Tget_size(type.id()) > (1u << 20))
    throw BadFileError("attribute '" + name + "' on '" + path + "' is not a fixed-length string" +
                       (H5Tis_variable_str(type.id()) > 0 ? " (variable-length strings are refused; h5py writes a "
                                                            "fixed-length one from numpy.bytes_(text))"
                                                          : ""));
  std::string value(H5Tget_size(type.id()), '\0');
  check_status(H5Aread(attr.id(), type.id(), value.data()), "H5Aread", name);
  value.resize(value.find('\0') == std::string::npos ? value.size() : value.find('\0'));
  return value;
}

namespace {

// One attribute's value as text (group_attributes).
std::string attribute_text(hid_t attr) {
  Object type(check(H5Aget_type(attr), "H5Aget_type", "attribute"), H5Tclose);
  Object space(check(H5Aget_space(attr), "H5Aget_space", "attribute"), H5Sclose);
  const hssize_t points = H5Sget_simple_extent_npoints(space.id());
  if (points < 0 || points > (1 << 16)) return "(not compared)";
  const H5T_class_t kind = H5Tget_class(type.id());
  if (kind == H5T_STRING && H5Tis_variable_str(type.id()) <= 0 && H5Tget_size(type.id()) <= (1u << 20)) {
    std::string value(static_cast<size_t>(points) * H5Tget_size(type.id()), '\0');
    check_status(H5Aread(attr, type.id(), value.data()), "H5Aread", "attribute");
    return value;
  }
  if ((kind == H5T_FLOAT || kind == H5T_INTEGER) && standard_type(type.id()) && H5Tget_class(type.id()) != H5T_COMPOUND) {
    std::vector<double> v(static_cast<size_t>(points));
    check_status(H5Aread(attr, H5T_NATIVE_DOUBLE, v.data()), "H5Aread", "attribute");
    std::string text;
    for (double x : v) text += (text.empty() ? "" : " ") + fmt::format("{}", x);
    return text;
  }
  return "(not compared)";
}

struct AttributeVisit {
  std::map<std::string, std::string>* out;
  std::string group;
};

herr_t collect_attribute(hid_t loc, const char* name, const H5A_info_t*, void* data) {
  auto* visit = static_cast<AttributeVisit*>(data);
  const hid_t attr = H5Aopen(loc, name, H5P_DEFAULT);
  if (attr < 0) return -1;
  try {
    (*visit->out)[visit->group + "@" + name] = attribute_text(attr);
  } catch (...) {
    H5Aclose(attr);
    return -1;
  }
  H5Aclose(attr);
  return 0;
}

herr_t visit_group(hid_t loc, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_GROUP) return 0;
  auto* out = static_cast<std::map<std::string, std::string>*>(data);
  const std::string path = std::string(name) == "." ? "/" : "/" + std::string(name);
  const hid_t group = H5Oopen(loc, name, H5P_DEFAULT);
  if (group < 0) return -1;
  AttributeVisit visit{out, path};
  hsize_t at = 0;
  const herr_t status = H5Aiterate2(group, H5_INDEX_NAME, H5_ITER_INC, &at, collect_attribute, &visit);
  H5Oclose(group);
  return status < 0 ? -1 : 0;
}

}  // namespace

std::map<std::string, std::string> group_attributes(hid_t loc) {
  std::map<std::string, std::string> out;
  check_status(H5Ovisit(loc, H5_INDEX_NAME, H5_ITER_INC, visit_group, &out), "H5Ovisit", "attributes");
  return out;
}

double read_double_attribute(hid_t loc, const std::string& path, const std::string& name) {
  Object attr = open_attribute(loc, path, name);
  Object type(check(H5Aget_type(attr.id()), "H5Aget_type", name), H5Tclose);
  const H5T_class_t kind = H5Tget_class(type.id());
  if ((kind != H5T_FLOAT && kind != H5T_INTEGER) || !standard_type(type.id()))
    throw BadFileError("attribute '" + name + "' on '" + path + "' is not a number");
  double v = 0;
  check_status(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), "H5Aread", name);
  return v;
}

std::vector<double> read_doubles(hid_t loc, const std::string& path, std::vector<hsize_t>* shape) {
  if (!exists(loc, path)) throw BadFileError("no dataset '" + path + "'");
  Object set(check(H5Dopen2(loc, path.c_str(), H5P_DEFAULT), "H5Dopen2", path), H5Dclose);
  check_storage(set.id(), path);
  Object space(check(H5Dget_space(set.id()), "H5Dget_space", path), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) raise("H5Sget_simple_extent_ndims", path);
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  Object type(check(H5Dget_type(set.id()), "H5Dget_type", path), H5Tclose);
  if ((H5Tget_class(type.id()) != H5T_FLOAT && H5Tget_class(type.id()) != H5T_INTEGER) || !standard_type(type.id()))
    throw BadFileError("dataset '" + path + "' is not numeric");
  std::vector<double> out(checked_read_size(set.id(), dims, sizeof(double), path) / sizeof(double));
  check_status(H5Dread(set.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "H5Dread", path);
  if (shape) *shape = dims;
  return out;
}

}  // namespace npde::h5
