// Every error the program reports carries a kind, and the kind alone decides the exit code
// (spec/error.hpp): the store's, the POSIX seam's and HDF5's errors each say what they are.
#include <catch2/catch.hpp>

#include <cerrno>

#include "input/input_error.hpp"
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
  check(UsageError("--top needs a number"), ErrorKind::input, 2);
  check(BadFileError("not an HDF5 file"), ErrorKind::bad_file, 2);
  check(IoError("read failed: EIO"), ErrorKind::io, 4);
  check(StoreLocked("held by host:123"), ErrorKind::busy, 2);
  const IoError io = posix::io_error("fsync", "/x/journal", ENOSPC);
  check(io, ErrorKind::io, 4);
  CHECK(io.error_number() == ENOSPC);
  CHECK(std::string(io.what()).find("fsync failed for '/x/journal'") == 0);
  CHECK(exit_code(ErrorKind::io) == kExitAborted);
  CHECK(exit_code(ErrorKind::input) == kExitBadInput);
  // HDF5's errors are the same two types: an injected errno on open is an IoError
  posix::inject_fault("h5-open", EIO);
  CHECK_THROWS_AS(h5::open_file_read_only("/no/such/store.h5"), IoError);
  posix::clear_faults();
  CHECK_THROWS_AS(h5::open_file_read_only("/proc/self/status"), BadFileError);
  // HDF5 reports a missing file as a failed system call (errno = 2): the name is wrong, which is
  // not a failing file system
  CHECK_THROWS_AS(h5::open_file_read_only("/no/such/store.h5"), BadFileError);
}
