// Every error the program reports carries a kind, and the kind alone decides the exit code
// (spec/error.hpp): the store's, the POSIX seam's and HDF5's errors each say what they are.
#include <catch2/catch.hpp>

#include <cerrno>

#include "spec/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"
#include "store/store_lock.hpp"
#include "store/store_reader.hpp"

using namespace npde;

namespace {

template <class E>
void check(const E& e, ErrorKind kind, int code) {
  const Error& base = e;  // one base type
  CHECK(base.kind() == kind);
  CHECK(exit_code(base.kind()) == code);
}

}  // namespace

TEST_CASE("Each error type has its kind and the one exit code of that kind", "[errors]") {
  check(InputError("job.toml", 3, "pde.dt", "must be positive"), ErrorKind::input, 2);
  check(h5::Error("not an HDF5 file"), ErrorKind::bad_file, 2);
  check(h5::IoError("read failed: EIO"), ErrorKind::io, 4);
  check(StoreIoError("store.h5: cannot read"), ErrorKind::io, 4);
  check(StoreLocked("held by host:123"), ErrorKind::busy, 2);
  const posix::IoError io("fsync", "/x/journal", ENOSPC);
  check(io, ErrorKind::io, 4);
  CHECK(io.error() == ENOSPC);
  CHECK(io.error_number() == ENOSPC);
  // h5::IoError is still an h5::Error, as the readers that tell the two apart rely on
  try {
    throw h5::IoError("EIO");
  } catch (const h5::Error& e) {
    CHECK(e.kind() == ErrorKind::io);
  }
}
