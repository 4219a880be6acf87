#pragma once
// The one thin seam over the HDF5 C API (in the spirit of HighFive): every handle is owned by an
// RAII object that closes it once, and every call that can fail is checked here and turned into
// BadFileError or IoError (spec/error.hpp) carrying the call, the object path and HDF5's own message. Nothing else in npdesweep
// calls H5* functions directly.
#include <complex>
#include <map>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <hdf5.h>
#include <mpi.h>

#include "input/error.hpp"

namespace npde::h5 {

// An HDF5 call that fails throws BadFileError (spec/error.hpp: a damaged or foreign file), or
// IoError when it failed because the operating system did (the driver reported an errno such as
// EIO, or a test injected one): a failing disk or file system, not a damaged or foreign file.

// Owns one hid_t and closes it with the matching H5*close.
//
// The destructor cannot report a failed close: where the close must succeed (a file whose data
// have to reach the disk before it is renamed into place), call close(), which throws. While an
// exception unwinds, the destructor leaves objects of MPI-IO files open: their closes are
// collective, and a rank that unwinds alone would wait in them forever for ranks that are
// elsewhere (the job is about to be aborted anyway).
class Object {
 public:
  using Closer = herr_t (*)(hid_t);
  Object() = default;
  Object(hid_t id, Closer close) : id_(id), close_(close) {}
  Object(Object&& o) noexcept : id_(o.id_), close_(o.close_), unwinding_(o.unwinding_) { o.id_ = -1; }
  Object& operator=(Object&& o) noexcept;
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;
  ~Object();
  hid_t id() const { return id_; }
  // Throws Error naming `path` if HDF5 reports the close failed (a file's final flush hit
  // ENOSPC or EIO, say). The handle is released either way.
  void close(const std::string& path);

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
  int unwinding_ = std::uncaught_exceptions();  // exceptions in flight when made
};

// MPI-IO hints for the store, from NPDESWEEP_MPIIO_HINTS: "key=value[,key=value...]" (e.g.
// striping_factor=8,striping_unit=4194304 on Lustre, romio_ds_write=disable on file systems
// without byte-range locks). Every rank must see the same text. Empty when the variable is
// unset; throws std::invalid_argument naming the bad entry.
std::vector<std::pair<std::string, std::string>> mpiio_hints_from_environment();

// A file built in memory (the core driver, no backing store): HDF5 never touches the disk for
// it, so a full or failing disk surfaces in our own POSIX seam when the image is written out,
// not as a half-closed HDF5 file (HDF5 1.10 crashes at exit on a file whose close failed).
Object create_memory_file(const std::string& name);
// The complete bytes of a file (flushed first): an HDF5 file as it would be on disk.
std::vector<unsigned char> file_image(hid_t file);
Object open_file_read_only(const std::string& path);
bool is_hdf5(const std::string& path);  // false for a file HDF5 cannot read (no exception)
// Parallel (MPI-IO) files: collective over the communicator.
Object create_parallel_file(const std::string& path, MPI_Comm comm);
Object open_parallel_file(const std::string& path, MPI_Comm comm);
void flush(hid_t file);  // collective for parallel files
Object open_group(hid_t loc, const std::string& path);
Object open_dataset(hid_t loc, const std::string& path);
Object create_group(hid_t parent, const std::string& name);
bool exists(hid_t loc, const std::string& path);

// Datasets in C order with the given shape; an empty shape writes a scalar.
Object write(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, const double* data);
Object write(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, const int* data);
// Complex numbers as the compound {r, i} that h5py reads as numpy complex128.
Object write(hid_t loc, const std::string& name, const std::vector<hsize_t>& shape, const std::complex<double>* data);
Object write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values);

// Whether the object at `object_path` (relative to `loc`) has the attribute `name`.
bool attribute_exists(hid_t loc, const std::string& object_path, const std::string& name);
void set_attribute(hid_t obj, const std::string& name, const std::string& value);
void set_attribute(hid_t obj, const std::string& name, double value);
void set_attribute(hid_t obj, const std::string& name, long long value);
void set_attribute(hid_t obj, const std::string& name, const std::vector<int>& values);
// Text attributes are fixed-length UTF-8 (why not variable-length: read_string_attribute).
// Describes a dataset for readers without our code: its `description`, and its `units` unless
// `units` is empty (text has none; a dimensionless number has units "1").
void describe(hid_t obj, const std::string& description, const std::string& units);
// Names the dimensions of a dataset (h5py: dataset.dims[d].label), first to last.
void label_dimensions(hid_t dataset, const std::vector<std::string>& labels);

// Attributes of the object at `path` (relative to loc; "." for loc itself).
std::string read_string_attribute(hid_t loc, const std::string& path, const std::string& name);
double read_double_attribute(hid_t loc, const std::string& path, const std::string& name);
// Every attribute of every group under loc (loc's own included, as "/"), as "GROUP@NAME" -> its
// value as text (fixed-length strings as they are, numbers to 17 digits, one per element); an
// attribute of another kind (a reference, a variable-length string) as "(not compared)". For
// comparing two result files' settings and messages (merge).
std::map<std::string, std::string> group_attributes(hid_t loc);

// Element types of the store's datasets.
enum class Type { f64, i32, i64, c128, str };
Object memory_type(Type t, size_t string_size = 0);

// A dataset made for row-wise writes: contiguous, allocated and filled when created (so no
// metadata changes later), shape (rows, item...).
Object create_row_dataset(hid_t loc, const std::string& name, Type type, const std::vector<hsize_t>& shape,
                          size_t string_size = 0);

// Writes `item_shape` elements at leading index `row` (the item may be smaller than the
// dataset's trailing shape: it goes to the low corner).
void write_row(hid_t dataset, Type type, hsize_t row, const std::vector<hsize_t>& item_shape, const void* data,
               size_t string_size = 0);

// Makes `scale` a dimension scale named `name` and attaches it to dimension `dim` of `dataset`
// (h5py shows it as dataset.dims[dim][0]).
void attach_scale(hid_t dataset, hid_t scale, unsigned dim, const std::string& name);

// Writes a whole dataset at once.
void write_whole(hid_t dataset, Type type, const void* data, size_t string_size = 0);
// Strings as one fixed-width buffer (each cut to `width`, zero-padded): a text dataset's bytes,
// for write_whole and write_row with Type::str.
std::string packed_strings(const std::vector<std::string>& values, size_t width);

// Bytes per element of a numeric type (8 for f64 and i64, 4 for i32, 16 for c128).
size_t element_size(Type t);

// A whole dataset's raw values in its own element class (f64, i32 or c128) and shape.
struct RawData {
  Type type = Type::f64;
  std::vector<hsize_t> shape;
  std::vector<unsigned char> bytes;
};
RawData read_raw(hid_t loc, const std::string& path);
// One row (leading index) of a dataset.
RawData read_row(hid_t loc, const std::string& path, hsize_t row);
std::vector<hsize_t> shape_of(hid_t loc, const std::string& path);

std::vector<double> read_doubles(hid_t loc, const std::string& path, std::vector<hsize_t>* shape = nullptr);

}  // namespace npde::h5
