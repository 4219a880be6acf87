#include "store/result_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <tuple>
#include <variant>
#include <unistd.h>

#include "numerics/runge_kutta.hpp"
#include "spec/canonical.hpp"
#include "store/store_reader.hpp"
#include "spec/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"
#include "store/result_schema.hpp"

#include <fcntl.h>

namespace npde {
namespace {

using Shape = std::vector<hsize_t>;

h5::Object write_raw_value(hid_t file, const std::string& path, h5::Type type, const Shape& shape,
                           const std::vector<unsigned char>& bytes) {
  switch (type) {
    case h5::Type::f64: return h5::write(file, path, shape, reinterpret_cast<const double*>(bytes.data()));
    case h5::Type::i32: return h5::write(file, path, shape, reinterpret_cast<const int*>(bytes.data()));
    case h5::Type::c128:
      return h5::write(file, path, shape, reinterpret_cast<const std::complex<double>*>(bytes.data()));
    default: throw BadFileError("result dataset " + path + " has a type the writer does not handle");
  }
}

void set_value(hid_t object, const std::string& name, const AttributeValue& value) {
  std::visit([&](const auto& v) { h5::set_attribute(object, name, v); }, value);
}

}  // namespace

void attach_axis_scales(const std::map<std::string, h5::Object>& datasets, hid_t test_ic, hid_t time, hid_t state,
                        unsigned first) {
  for (const ResultDataset& d : result_datasets()) {
    const auto set = datasets.find(d.path);
    if (set == datasets.end()) continue;
    for (size_t k = 0; k < d.dims.size(); ++k) {
      const std::string& axis = d.dims[k];
      const hid_t scale = axis == "test_ic" ? test_ic : axis == "step" ? time : axis == "state" ? state : -1;
      const char* name = axis == "test_ic" ? "test_ic" : axis == "step" ? "time" : "state_index";  // the scale's dataset
      if (scale >= 0) h5::attach_scale(set->second.id(), scale, first + static_cast<unsigned>(k), name);
    }
  }
}

namespace {

void write_contents(hid_t file, const ExperimentSpec& spec, const std::string& canonical_text, const std::string& hash,
                    const ExperimentResult& r) {
  using namespace h5;
  const bool analysed = r.status == CellStatus::done;  // no analysis for diverged experiments
  std::map<std::string, Object> groups;
  for (const std::string& g : result_groups(analysed)) groups.emplace(g, create_group(file, g));

  // Every attribute and result dataset, as declared once in result_schema.cpp.
  const ResultContext context{spec, canonical_text, hash, r};
  for (const ResultAttribute& a : result_attributes()) {
    if (a.analysis && !analysed) continue;
    set_value(a.group.empty() ? file : groups.at(a.group).id(), a.name, a.value(context));
  }
  std::map<std::string, Object> sets;
  for (const ResultDataset& d : result_datasets()) {
    if (d.analysis && !analysed) continue;
    const ResultValue v = d.value(spec, r);
    if (!v.present) continue;
    Object set = write_raw_value(file, d.path, d.type, v.shape, v.bytes);
    describe(set.id(), d.description, d.units);
    label_dimensions(set.id(), d.dims);
    sets.emplace(d.path, std::move(set));
  }
  if (analysed) {  // the axis datasets, as dimension scales of the datasets above
    std::vector<std::string> labels;
    for (const auto& ic : spec.test_ics) labels.push_back(ic.label());
    Object test_ic = write_strings(groups.at("rollout").id(), "test_ic", labels);
    describe(test_ic.id(), "test initial conditions, in row order", "");
    std::vector<double> time(static_cast<size_t>(spec.steps + 1));
    for (int n = 0; n <= spec.steps; ++n) time[n] = n * spec.dt;
    Object t = write(groups.at("rollout").id(), "time", {time.size()}, time.data());
    describe(t.id(), "time of each output step", "PDE time units");
    Object state = write(groups.at("jacobian").id(), "state_index", {r.jacobian_states.size()}, r.jacobian_states.data());
    describe(state.id(), "index n of the state u_n at which each Jacobian is taken (paper label T = (n-1) dt)",
             "output steps");
    label_dimensions(test_ic.id(), {"test_ic"});
    label_dimensions(t.id(), {"step"});
    label_dimensions(state.id(), {"state"});
    attach_axis_scales(sets, test_ic.id(), t.id(), state.id(), 0);
  }
}

}  // namespace

void write_result_file(const std::string& path, const ExperimentSpec& spec, const std::string& canonical_text,
                       const std::string& hash, const ExperimentResult& result, bool durable) {
  // Built in memory, then written through the POSIX seam (checked writes, fault injection):
  // a full disk is a clean error and never leaves a half-closed HDF5 file behind.
  std::vector<unsigned char> image;
  {
    h5::Object file = h5::create_memory_file(path);
    write_contents(file.id(), spec, canonical_text, hash, result);
    image = h5::file_image(file.id());
  }
  posix::write_file_atomic(path, image.data(), image.size(), durable);
}

namespace {

// STORE.h5:ID or STORE.h5:HASH: the final weights of a cell of a sweep store.
Eigen::VectorXd read_stored_cell_weights(const std::string& store, const std::string& which, long expected_count) {
  StoredCell cell;
  try {
    cell = find_stored_cell(store, which);
  } catch (const std::exception& e) {
    throw InputError(store, 0, "--init-weights", e.what());
  }
  if (cell.status != 1)
    throw InputError(store, 0, "--init-weights",
                     "cell " + std::to_string(cell.id) + " is " +
                         (cell.status == 0 ? "pending" : cell.status == 2 ? "failed" : "diverged") +
                         ", not done: it has no trained weights");
  const std::string dataset = "/results/" + cell.group + kFinalWeightsDataset;
  h5::RawData d;
  try {
    h5::Object f = h5::open_file_read_only(store);
    d = h5::read_row(f.id(), dataset, static_cast<hsize_t>(cell.row));
  } catch (const BadFileError& e) {
    throw InputError(store, 0, dataset, e.what());
  }
  const long n = static_cast<long>(d.bytes.size() / sizeof(double));
  if (d.type != h5::Type::f64 || d.shape.size() != 1 || n != expected_count)
    throw InputError(store, 0, dataset,
                     "cell " + std::to_string(cell.id) + " has " + std::to_string(n) + " weights but the job's network has " +
                         std::to_string(expected_count) + " parameters");
  Eigen::VectorXd w(n);
  std::memcpy(w.data(), d.bytes.data(), d.bytes.size());
  return w;
}

}  // namespace

Eigen::VectorXd read_weights(const std::string& file_and_dataset, long expected_count) {
  // A store's cell: STORE.h5:ID or STORE.h5:HASH (a file whose own name has a colon comes first).
  if (const size_t c = file_and_dataset.rfind(':');
      c != std::string::npos && c + 1 < file_and_dataset.size() && file_and_dataset[c + 1] != '/' &&
      access(file_and_dataset.c_str(), F_OK) != 0 && access(file_and_dataset.substr(0, c).c_str(), R_OK) == 0)
    return read_stored_cell_weights(file_and_dataset.substr(0, c), file_and_dataset.substr(c + 1), expected_count);
  std::string file = file_and_dataset, dataset = kFinalWeightsDataset;
  const size_t colon = file_and_dataset.rfind(":/");
  if (colon != std::string::npos) {
    file = file_and_dataset.substr(0, colon);
    dataset = file_and_dataset.substr(colon + 1);
  }
  if (access(file.c_str(), R_OK) != 0)
    throw InputError(file, 0, "", std::string("cannot read the weights file: ") + std::strerror(errno));
  std::vector<double> v;
  std::vector<hsize_t> shape;
  try {
    h5::Object f = h5::open_file_read_only(file);
    v = h5::read_doubles(f.id(), dataset, &shape);
  } catch (const BadFileError& e) {
    throw InputError(file, 0, dataset, e.what());
  }
  if (shape.size() == 2 && dataset.rfind("/results/", 0) == 0)
    throw InputError(file, 0, dataset,
                     "a store keeps one row of weights per cell: give the cell, " + file + ":ID or " + file + ":HASH");
  if (shape.size() != 1 || static_cast<long>(v.size()) != expected_count)
    throw InputError(file, 0, dataset,
                     "holds " + std::to_string(v.size()) + " values but the job's network has " +
                         std::to_string(expected_count) + " parameters");
  return Eigen::Map<Eigen::VectorXd>(v.data(), static_cast<long>(v.size()));
}

}  // namespace npde
