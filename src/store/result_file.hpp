#pragma once
// The single-experiment result file written by `npdesweep run-one` (layout: docs/result-file.md).
#include <map>
#include <string>

#include "pipeline/experiment.hpp"
#include "store/h5.hpp"

namespace npde {

// Writes atomically: to PATH.tmp.HOST.PID first, renamed over PATH only when complete, so a crash or
// error never leaves a partial file under the final name. `durable` also fsyncs the file before
// the rename and the directory after it (the sweep's shards).
void write_result_file(const std::string& path, const ExperimentSpec& spec, const std::string& canonical_text,
                       const std::string& hash, const ExperimentResult& result, bool durable = false);

// Attaches the axis datasets (rollout/test_ic, rollout/time, jacobian/state_index) as dimension
// scales to the result datasets in `datasets` (by path) whose axes they label; `first` is the
// index of a dataset's first declared axis (1 in a store, behind the row axis).
void attach_axis_scales(const std::map<std::string, h5::Object>& datasets, hid_t test_ic, hid_t time, hid_t state,
                        unsigned first);

// The default dataset holding a flat parameter vector (in docs/science.md's order).
constexpr const char* kFinalWeightsDataset = "/weights/final";

// Reads a flat parameter vector from "FILE.h5" (dataset /weights/final) or "FILE.h5:/dataset".
// Throws InputError (file, dataset, expected size) when it cannot.
Eigen::VectorXd read_weights(const std::string& file_and_dataset, long expected_count);

}  // namespace npde
