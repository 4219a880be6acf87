#pragma once
// The single-experiment result file written by `npdesweep run-one` (layout: docs/result-file.md).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "pipeline/experiment.hpp"
#include "store/h5.hpp"
#include "store/result_schema.hpp"

namespace npde {

// Writes atomically: to PATH.tmp.HOST.PID first, renamed over PATH only when complete, so a crash or
// error never leaves a partial file under the final name. `durable` also fsyncs the file before
// the rename and the directory after it (the sweep's shards).
void write_result_file(const std::string& path, const ExperimentSpec& spec, const std::string& canonical_text,
                       const std::string& hash, const ExperimentResult& result, bool durable = false);

// A dataset whose axes get coordinates: its path under the root passed below, the names of its
// axes and its shape.
struct AxisUser {
  std::string path;
  hid_t id;
  std::vector<std::string> dims;
  std::vector<hsize_t> shape;
};
// One axis's coordinates, and a second coordinate along it (`aux`, named in the `coordinates`
// attribute of the datasets that use the axis) where aux_name is not empty.
struct AxisCoordinates {
  std::string description, units;
  AxisValues values;
  std::string aux_name = {}, aux_description = {}, aux_units = {};
  AxisValues aux_values = {};
};
AxisCoordinates declared_coordinates(const ResultAxis& axis, const AxisContext& context);
using AxisSource = std::function<AxisCoordinates(const std::string& axis, hsize_t length)>;

// In every group holding one of `users`: a dimension scale named after each axis its datasets use
// (netCDF-4's coordinate variable, so xarray/h5netcdf see named dimensions with values), its aux
// coordinate, both attached to the datasets along that axis. `write_values` false creates them
// only (the ranks of a parallel store that do not write; creation is collective). Throws
// std::logic_error when two datasets of a group disagree on an axis's length.
void write_axis_scales(hid_t root, const std::vector<AxisUser>& users, const AxisSource& source, bool write_values);

// The default dataset holding a flat parameter vector (in docs/science.md's order).
constexpr const char* kFinalWeightsDataset = "/weights/final";

// Reads a flat parameter vector from "FILE.h5" (dataset /weights/final) or "FILE.h5:/dataset".
// Throws InputError (file, dataset, expected size) when it cannot.
Eigen::VectorXd read_weights(const std::string& file_and_dataset, long expected_count);

}  // namespace npde
