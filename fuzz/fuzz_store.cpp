// Fuzz target: the store reader (src/store/store_reader.cpp) and a query on arbitrary HDF5
// bytes. The bytes are written to a file in /dev/shm (the reader takes a path, as status and
// query do) and read back; any input must give contents or a std::runtime_error, never a crash,
// an out-of-bounds read or a hang.
#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "store/query.hpp"
#include "store/store_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, size_t size) {
  static const std::string path = "/dev/shm/npdesweep-fuzz-store-" + std::to_string(::getpid()) + ".h5";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size > 0) std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    const npde::StoreContents contents = npde::read_store(path);
    npde::QuerySpec q;
    q.group_by = {"train_stencil"};
    (void)npde::run_query(contents, q);
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {  // e.g. a store without the default metric
  }
  ::unlink(path.c_str());
  // Every HDF5 object the reader opened is closed again, on every error path.
  if (const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL); open != 0) {
    std::fprintf(stderr, "%zd HDF5 objects left open after reading\n", open);
    std::abort();
  }
  return 0;
}
