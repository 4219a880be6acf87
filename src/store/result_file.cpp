#include "store/result_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>
#include <variant>
#include <unistd.h>

#include "numerics/runge_kutta.hpp"
#include "input/canonical.hpp"
#include "store/store_reader.hpp"
#include "input/input_error.hpp"
#include "store/h5.hpp"
#include "store/posix_io.hpp"
#include "store/provenance.hpp"
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

AxisCoordinates declared_coordinates(const ResultAxis& axis, const AxisContext& context) {
  AxisCoordinates c{axis.description, axis.units, axis.values(context), axis.aux.name, axis.aux.description,
                    axis.aux.units};
  if (axis.aux.values) c.aux_values = axis.aux.values(context);
  return c;
}

namespace {

// A one-dimensional coordinate dataset `path` (under `root`) labelled `axis`.
h5::Object write_coordinate(hid_t root, const std::string& path, const std::string& axis, const AxisValues& values,
                            const std::string& description, const std::string& units, bool write_values) {
  h5::Object set;
  if (const auto* text = std::get_if<std::vector<std::string>>(&values)) {
    size_t width = 1;
    for (const std::string& t : *text) width = std::max(width, t.size());
    set = h5::create_row_dataset(root, path, h5::Type::str, {text->size()}, width);
    if (write_values && !text->empty()) {
      h5::write_whole(set.id(), h5::Type::str, h5::packed_strings(*text, width).data(), width);
    }
  } else if (const auto* ints = std::get_if<std::vector<int>>(&values)) {
    set = h5::create_row_dataset(root, path, h5::Type::i32, {ints->size()});
    if (write_values && !ints->empty()) h5::write_whole(set.id(), h5::Type::i32, ints->data());
  } else {
    const auto& numbers = std::get<std::vector<double>>(values);
    set = h5::create_row_dataset(root, path, h5::Type::f64, {numbers.size()});
    if (write_values && !numbers.empty()) h5::write_whole(set.id(), h5::Type::f64, numbers.data());
  }
  h5::describe(set.id(), description, units);
  h5::label_dimensions(set.id(), {axis});
  return set;
}

size_t length_of(const AxisValues& v) {
  return std::visit([](const auto& x) { return x.size(); }, v);
}

}  // namespace

void write_axis_scales(hid_t root, const std::vector<AxisUser>& users, const AxisSource& source, bool write_values) {
  // Per group, its axes in order of first use, with their lengths.
  std::map<std::string, std::vector<std::pair<std::string, hsize_t>>> axes;
  const auto parent = [](const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  };
  for (const AxisUser& u : users) {
    auto& in_group = axes[parent(u.path)];
    for (size_t k = 0; k < u.dims.size(); ++k) {
      const auto known = std::find_if(in_group.begin(), in_group.end(), [&](const auto& a) { return a.first == u.dims[k]; });
      if (known == in_group.end())
        in_group.emplace_back(u.dims[k], u.shape.at(k));
      else if (known->second != u.shape.at(k))
        throw std::logic_error(u.path + ": axis " + u.dims[k] + " has length " + std::to_string(u.shape.at(k)) +
                               " where another dataset of its group has " + std::to_string(known->second));
    }
  }
  for (const auto& [group, in_group] : axes) {
    const std::string prefix = group.empty() ? "" : group + "/";
    std::map<std::string, std::string> aux_of;  // axis -> its aux coordinate's name
    for (const auto& [axis, length] : in_group) {
      const AxisCoordinates c = source(axis, length);
      if (length_of(c.values) != length)
        throw std::logic_error(prefix + axis + ": " + std::to_string(length_of(c.values)) + " coordinates for an axis of length " +
                               std::to_string(length));
      h5::Object scale = write_coordinate(root, prefix + axis, axis, c.values, c.description, c.units, write_values);
      h5::Object aux;
      if (!c.aux_name.empty()) {
        aux = write_coordinate(root, prefix + c.aux_name, axis, c.aux_values, c.aux_description, c.aux_units, write_values);
        h5::attach_scale(aux.id(), scale.id(), 0, axis);
        aux_of[axis] = c.aux_name;
      }
      for (const AxisUser& u : users)
        if (parent(u.path) == group)
          for (size_t k = 0; k < u.dims.size(); ++k)
            if (u.dims[k] == axis) h5::attach_scale(u.id, scale.id(), static_cast<unsigned>(k), axis);
    }
    for (const AxisUser& u : users) {
      if (parent(u.path) != group) continue;
      std::string coordinates;
      for (const std::string& d : u.dims)
        if (const auto a = aux_of.find(d); a != aux_of.end()) coordinates += (coordinates.empty() ? "" : " ") + a->second;
      if (!coordinates.empty()) h5::set_attribute(u.id, "coordinates", coordinates);
    }
  }
}

namespace {

void write_contents(hid_t file, const ExperimentSpec& spec, const std::string& canonical_text, const std::string& hash,
                    const ExperimentResult& r) {
  using namespace h5;
  const bool analysed = r.status == CellStatus::done;  // no analysis for diverged experiments
  std::map<std::string, Object> groups;
  for (const std::string& g : result_groups(spec, analysed)) groups.emplace(g, create_group(file, g));

  // Every attribute and result dataset, as declared once in result_schema.cpp.
  const Provenance provenance = this_process();
  const ResultContext context{spec, canonical_text, hash, r, &provenance};
  for (const ResultAttribute& a : result_attributes()) {
    if (a.analysis && !analysed) continue;
    set_value(a.group.empty() ? file : groups.at(a.group).id(), a.name, a.value(context));
  }
  std::vector<Object> sets;
  std::vector<AxisUser> users;
  for (const ResultDataset& d : result_datasets()) {
    if ((d.analysis && !analysed) || !kept(d, spec)) continue;
    const ResultValue v = d.value(spec, r);
    if (!v.present) continue;
    Object set = write_raw_value(file, d.path, d.type, v.shape, v.bytes);
    describe(set.id(), d.description, d.units);
    for (const auto& [name, value] : d.attributes) set_attribute(set.id(), name, value);
    label_dimensions(set.id(), d.dims);
    users.push_back({d.path, set.id(), d.dims, v.shape});
    sets.push_back(std::move(set));
  }
  Object state_index;
  if (analysed) {  // kept where h5py readers find it, beside the state scales
    state_index = write(groups.at("jacobian").id(), "state_index", {r.jacobian_states.size()}, r.jacobian_states.data());
    describe(state_index.id(), "index n of the state u_n at which each Jacobian is taken (paper label T = (n-1) dt)",
             "1");
    label_dimensions(state_index.id(), {"state"});
    users.push_back({"jacobian/state_index", state_index.id(), {"state"}, {r.jacobian_states.size()}});
  }
  write_axis_scales(file, users, [&](const std::string& axis, hsize_t length) {
    const ResultAxis* declared = find_result_axis(axis);
    if (!declared) throw std::logic_error("result axis " + axis + " is not declared in result_schema.cpp");
    return declared_coordinates(*declared, AxisContext{spec, r.jacobian_states, length});
  }, true);
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
  if (cell.status != CellStatus::done)
    throw InputError(store, 0, "--init-weights",
                     "cell " + std::to_string(cell.id) + " is " + status_name(cell.status) +
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
