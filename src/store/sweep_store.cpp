#include "store/sweep_store.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <variant>

#include "model/mlp.hpp"
#include "pipeline/training.hpp"
#include "input/canonical.hpp"
#include "store/posix_io.hpp"
#include "store/provenance.hpp"
#include "store/result_file.hpp"
#include "store/result_schema.hpp"
#include "store/store_cells.hpp"

#include <signal.h>
#include <unistd.h>

namespace npde {
namespace {

constexpr size_t kMessageSize = 200;
constexpr size_t kLabelSize = 48;

// A per-row dataset of a resolution group: its path under the group (the same as in a shard),
// element type, the shape of one row, and what it means; one per declared result dataset.
struct RowField {
  std::string path;
  h5::Type type;
  std::vector<hsize_t> item;
  std::string description, units;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::vector<std::string> dims;  // of the item
};

std::vector<RowField> row_fields(const ExperimentSpec& s) {
  std::vector<RowField> f;
  for (const ResultDataset& d : result_datasets())
    if (kept(d, s)) f.push_back({d.path, d.type, d.reserved_shape(s), d.description, d.units, d.attributes, d.dims});
  return f;
}

// The value of an attribute that follows from the job alone (a group attribute; the type of a
// store column), computed without a result.
AttributeValue job_value(const ResultAttribute& a, const ExperimentSpec& s) {
  const ExperimentResult none;
  const std::string empty;
  return a.value(ResultContext{s, empty, empty, none});
}

std::string text_of(const AttributeValue& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, std::vector<int>>) {
          std::string t;
          for (int i : x) t += std::to_string(i) + " ";
          return t;
        } else return toml_number(static_cast<double>(x));
      },
      v);
}

bool integer_column(const ResultAttribute& a, const ExperimentSpec& s) {
  return std::holds_alternative<long long>(job_value(a, s));
}

// Attributes of a shard that the store keeps per row (as f64), as the result schema marks them.
std::vector<const ResultAttribute*> column_attributes() {
  std::vector<const ResultAttribute*> a;
  for (const ResultAttribute& x : result_attributes())
    if (x.store_column) a.push_back(&x);
  return a;
}

// The results group of every cell: cells share a group when their rows have the same shapes and
// their time and state axes agree. The first such set of each resolution is N<n> (all of them, in
// a sweep whose axes change no shape), further ones N<n>-2, N<n>-3, ... in cell order.
std::vector<std::string> group_names(const std::vector<GridCell>& cells) {
  std::map<std::string, std::string> group_of_signature;
  std::map<int, int> groups_of_resolution;
  std::vector<std::string> names;
  for (const GridCell& c : cells) {
    const ExperimentSpec& s = c.spec;
    std::string sig = std::to_string(s.pde.resolution) + " " + toml_number(s.dt) + " " + std::to_string(s.steps) + " |";
    for (int st : s.jacobian_states) sig += " " + std::to_string(st);
    for (const auto& ic : s.test_ics) sig += " | " + ic.label();
    for (const ResultAttribute& a : result_attributes())
      if (a.store_group) sig += " | " + text_of(job_value(a, s));
    for (const RowField& f : row_fields(s)) {
      sig += " |";
      for (hsize_t d : f.item) sig += " " + std::to_string(d);
    }
    auto [it, fresh] = group_of_signature.emplace(sig, "");
    if (fresh) {
      const int k = ++groups_of_resolution[s.pde.resolution];
      it->second = "N" + std::to_string(s.pde.resolution) + (k > 1 ? "-" + std::to_string(k) : "");
    }
    names.push_back(it->second);
  }
  return names;
}

// An axis column of /experiments: integers as i64, numbers as f64 (NaN for a cell without the
// key), anything else as its text (strings without their quotes).
struct AxisColumn {
  std::string key;
  std::vector<KeyValue> values;  // per cell (an empty text when the cell has no such key)
  h5::Type type = h5::Type::str;
  size_t width = 1;              // the longest canonical text
};
AxisColumn axis_column(const StoreCells& store, const std::string& key) {
  AxisColumn c;
  c.key = key;
  bool integers = true, numbers = true;
  for (size_t i = 0; i < store.cells.size(); ++i) {
    c.values.push_back(cell_value(store, static_cast<long>(i), key));
    const KeyValue& v = c.values.back();
    if (v.text.empty()) {
      integers = false;
      continue;
    }
    integers = integers && v.type == KeyValue::Type::integer;
    numbers = numbers && (v.type == KeyValue::Type::integer || v.type == KeyValue::Type::number);
    c.width = std::max(c.width, v.text.size());
  }
  c.type = integers ? h5::Type::i64 : numbers ? h5::Type::f64 : h5::Type::str;
  return c;
}

// Creates the groups above a relative dataset path ("a/b/c" -> "a", "a/b") under `loc`.
void create_parents(hid_t loc, const std::string& path, std::map<std::string, bool>& made) {
  for (size_t pos = path.find('/'); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    const std::string parent = path.substr(0, pos);
    if (!made[parent]) {
      h5::create_group(loc, parent);
      made[parent] = true;
    }
  }
}

std::vector<std::string> strings_of(const h5::RawData& d) {
  std::vector<std::string> out;
  const size_t n = d.shape.empty() ? 0 : d.shape[0], width = n ? d.bytes.size() / n : 0;
  for (size_t i = 0; i < n; ++i) {
    std::string v(reinterpret_cast<const char*>(d.bytes.data()) + i * width, width);
    out.push_back(v.substr(0, v.find('\0')));
  }
  return out;
}

template <class T>
T element(const h5::RawData& d, size_t i) {
  T v{};
  if ((i + 1) * sizeof(T) <= d.bytes.size()) std::copy_n(d.bytes.data() + i * sizeof(T), sizeof(T), reinterpret_cast<unsigned char*>(&v));
  return v;
}

size_t row_bytes(const h5::RawData& d) { return d.shape.empty() || d.shape[0] == 0 ? 0 : d.bytes.size() / d.shape[0]; }

// One column of /experiments: one value per cell, from what the store knows of it.
struct CellFacts {
  const GridCell& cell;
  const std::string& group;  // its results group
  int row;                   // its row there
  bool in_view;              // in the store's current sweep
};
using ColumnValue = std::variant<std::int64_t, std::string>;
struct ExperimentColumn {
  const char* name;
  h5::Type type;
  size_t size;  // of a string
  const char* description;
  ColumnValue (*value)(const CellFacts&);
};

const std::vector<ExperimentColumn>& experiment_columns() {
  using F = const CellFacts&;
  using h5::Type;
  static const std::vector<ExperimentColumn> columns = {
      {"id", Type::i64, 0,
       "cell id: its place in the store (the first sweep's enumeration order, then each later sweep's new cells)",
       [](F c) -> ColumnValue { return std::int64_t{c.cell.id}; }},
      {"hash", Type::str, 16, "content hash of the cell's canonical experiment (resume key)",
       [](F c) -> ColumnValue { return c.cell.hash; }},
      {"case", Type::str, 16, "PDE case", [](F c) -> ColumnValue { return c.cell.spec.pde.name; }},
      {"train_stencil", Type::str, 16, "stencil of the varied term in the truth data",
       [](F c) -> ColumnValue { return c.cell.spec.train_stencil; }},
      {"infer_stencil", Type::str, 16, "the same term inside the NeuralPDE",
       [](F c) -> ColumnValue { return c.cell.spec.infer_stencil; }},
      {"ic", Type::str, kLabelSize, "training initial condition",
       [](F c) -> ColumnValue { return c.cell.spec.train_ic.label(); }},
      {"resolution", Type::i32, 0, "N grid points", [](F c) -> ColumnValue { return std::int64_t{c.cell.spec.pde.resolution}; }},
      {"replicate", Type::i32, 0, "independent initialisation index",
       [](F c) -> ColumnValue { return std::int64_t{c.cell.replicate}; }},
      {"seed", Type::i64, 0, "seed of the Glorot initial weights",
       [](F c) -> ColumnValue { return static_cast<std::int64_t>(c.cell.spec.seed); }},
      {"row", Type::i32, 0, "row of this cell in /results/N<resolution>", [](F c) -> ColumnValue { return std::int64_t{c.row}; }},
      {"stepper", Type::str, 16, "the model's time stepper (integrator.model)",
       [](F c) -> ColumnValue { return c.cell.spec.integrator.model.name(); }},
      {"group", Type::str, 16, "the group under /results holding this cell's row (cells of one shape share one)",
       [](F c) -> ColumnValue { return c.group; }},
      {"in_view", Type::i32, 0, "1 if the cell is in the store's current sweep, 0 if only an earlier sweep had it",
       [](F c) -> ColumnValue { return std::int64_t{c.in_view ? 1 : 0}; }}};
  return columns;
}

// Writes one value per cell into a whole column of type `type` (i32, i64 or a string of `width`).
void write_column(hid_t set, h5::Type type, size_t width, const std::vector<ColumnValue>& values) {
  if (type == h5::Type::str) {
    std::vector<std::string> texts;
    for (const ColumnValue& v : values) texts.push_back(std::get<std::string>(v));
    h5::write_whole(set, type, h5::packed_strings(texts, width).data(), width);
  } else if (type == h5::Type::i32) {
    std::vector<std::int32_t> numbers;
    for (const ColumnValue& v : values) numbers.push_back(static_cast<std::int32_t>(std::get<std::int64_t>(v)));
    h5::write_whole(set, type, numbers.data());
  } else {
    std::vector<std::int64_t> numbers;
    for (const ColumnValue& v : values) numbers.push_back(std::get<std::int64_t>(v));
    h5::write_whole(set, type, numbers.data());
  }
}

// /experiments: the declared columns, then one per dotted grid axis of any sweep of the store
// (the current sweep's first), named by its job key; the attribute `axes` lists them.
struct ExperimentTable {
  std::vector<h5::Object> columns;  // experiment_columns(), in order
  std::vector<AxisColumn> axes;
  std::vector<h5::Object> axis_sets;
};

// A store's per-cell axes: `cell` (the cell ids) and `phase` (timing's), as dimension scales of
// `users` (in `root`).
void write_cell_scales(hid_t root, const std::vector<AxisUser>& users, const StoreCells& store, bool writer) {
  write_axis_scales(root, users, [&](const std::string& axis, hsize_t) {
    if (axis == "phase")
      return AxisCoordinates{"the phase of the cell's work", "",
                             std::vector<std::string>(kTimingPhases.begin(), kTimingPhases.end())};
    std::vector<int> ids;
    for (const GridCell& c : store.cells) ids.push_back(static_cast<int>(c.id));
    return AxisCoordinates{"the store's cell id (/experiments/id)", "1", ids};
  }, writer);
}

ExperimentTable create_experiment_table(hid_t f, const StoreCells& store, bool writer) {
  const hsize_t e = store.cells.size();
  ExperimentTable t;
  h5::Object ex = h5::create_group(f, "experiments");
  for (const ExperimentColumn& c : experiment_columns()) {
    t.columns.push_back(h5::create_row_dataset(ex.id(), c.name, c.type, {e}, c.size));
    h5::describe(t.columns.back().id(), c.description, c.type == h5::Type::str ? "" : "1");
    h5::label_dimensions(t.columns.back().id(), {"cell"});
  }
  std::vector<std::string> keys;
  for (size_t k = store.sweeps.size(); k-- > 0;)
    for (const GridAxis& a : store.sweeps[k].axes)
      if (!a.named() && std::find(keys.begin(), keys.end(), a.key) == keys.end()) keys.push_back(a.key);
  std::string axis_keys;
  for (const std::string& key : keys) {
    t.axes.push_back(axis_column(store, key));
    const AxisColumn& col = t.axes.back();
    t.axis_sets.push_back(h5::create_row_dataset(ex.id(), key, col.type, {e}, col.width));
    h5::describe(t.axis_sets.back().id(), "the grid axis " + key + " (a job key): this cell's value",
                 col.type == h5::Type::str ? "" : "as in the job file");
    h5::label_dimensions(t.axis_sets.back().id(), {"cell"});
    axis_keys += (axis_keys.empty() ? "" : "\n") + key;
  }
  if (!axis_keys.empty()) h5::set_attribute(ex.id(), "axes", axis_keys);
  std::vector<AxisUser> users;
  const std::vector<std::string> names = [&] {
    std::vector<std::string> n;
    for (const ExperimentColumn& c : experiment_columns()) n.push_back(c.name);
    return n;
  }();
  for (size_t k = 0; k < t.columns.size(); ++k) users.push_back({names[k], t.columns[k].id(), {"cell"}, {e}});
  for (size_t k = 0; k < t.axis_sets.size(); ++k) users.push_back({keys[k], t.axis_sets[k].id(), {"cell"}, {e}});
  write_cell_scales(ex.id(), users, store, writer);
  return t;
}

// Rank 0: every column's values.
void write_experiment_table(const ExperimentTable& t, const StoreCells& store, const std::vector<std::string>& groups,
                            const std::vector<int>& rows) {
  const size_t n = store.cells.size();
  for (size_t k = 0; k < experiment_columns().size(); ++k) {
    const ExperimentColumn& column = experiment_columns()[k];
    std::vector<ColumnValue> values;
    for (const GridCell& c : store.cells) {
      const size_t i = static_cast<size_t>(c.id);
      values.push_back(column.value(CellFacts{c, groups[i], rows[i], store.in_view[i]}));
    }
    write_column(t.columns[k].id(), column.type, column.size, values);
  }
  for (size_t k = 0; k < t.axes.size(); ++k) {
    const AxisColumn& col = t.axes[k];
    std::vector<std::int64_t> integers(n);
    std::vector<double> numbers(n);
    std::vector<std::string> texts(n);
    for (size_t i = 0; i < n; ++i) {
      const KeyValue& v = col.values[i];
      const bool integer = v.type == KeyValue::Type::integer;
      integers[i] = v.integer;
      numbers[i] = integer ? static_cast<double>(v.integer)
                   : v.type == KeyValue::Type::number ? v.number
                                                      : std::numeric_limits<double>::quiet_NaN();
      texts[i] = v.type == KeyValue::Type::string ? v.string : v.text;
    }
    if (col.type == h5::Type::i64) h5::write_whole(t.axis_sets[k].id(), col.type, integers.data());
    if (col.type == h5::Type::f64) h5::write_whole(t.axis_sets[k].id(), col.type, numbers.data());
    if (col.type == h5::Type::str) h5::write_whole(t.axis_sets[k].id(), col.type, h5::packed_strings(texts, col.width).data(), col.width);
  }
}

// /status (code, message) and /timing/seconds, one entry per cell; returns /status/code.
h5::Object create_status_and_timing(hid_t f, const StoreCells& store, bool writer) {
  const hsize_t e = store.cells.size();
  h5::Object st = h5::create_group(f, "status");
  h5::Object code = h5::create_row_dataset(st.id(), "code", h5::Type::i32, {e});
  h5::describe(code.id(), "0 pending, 1 done, 2 failed, 3 diverged; written last for each cell", "");  // flags: no units
  h5::set_attribute(code.id(), "flag_values", std::vector<int>{0, 1, 2, 3});  // CF flags: readers decode them
  h5::set_attribute(code.id(), "flag_meanings", std::string("pending done failed diverged"));
  h5::label_dimensions(code.id(), {"cell"});
  h5::Object message = h5::create_row_dataset(st.id(), "message", h5::Type::str, {e}, kMessageSize);
  h5::describe(message.id(), "why a cell failed or diverged", "");
  h5::label_dimensions(message.id(), {"cell"});
  h5::Object timing = h5::create_group(f, "timing");
  h5::Object seconds = h5::create_row_dataset(timing.id(), "seconds", h5::Type::f64, {e, kTimingPhases.size()});
  h5::describe(seconds.id(), "wall-clock seconds of truth, training and analysis; not part of the reproducible result",
               "s");
  h5::label_dimensions(seconds.id(), {"cell", "phase"});
  write_cell_scales(st.id(), {{"code", code.id(), {"cell"}, {e}}, {"message", message.id(), {"cell"}, {e}}}, store,
                    writer);
  write_cell_scales(timing.id(), {{"seconds", seconds.id(), {"cell", "phase"}, {e, kTimingPhases.size()}}}, store,
                    writer);
  return code;
}

// One results group: a per-row dataset for every declared result dataset and store column, the
// group attributes, `recorded`, and the axes (test ICs, output times, analysed states; written
// by `writer`, shared by the rows) as dimension scales.
void create_results_group(hid_t f, const std::string& name, const ExperimentSpec& s, const std::vector<long>& cells,
                          bool writer) {
  const hsize_t rows = cells.size();
  h5::Object group = h5::create_group(f, "/results/" + name);
  std::map<std::string, bool> made;
  std::vector<h5::Object> sets;
  std::vector<AxisUser> users;
  std::string recorded_paths;
  std::vector<std::string> recorded_names;
  for (const RowField& field : row_fields(s)) {
    create_parents(group.id(), field.path, made);
    std::vector<hsize_t> shape{rows};
    shape.insert(shape.end(), field.item.begin(), field.item.end());
    h5::Object d = h5::create_row_dataset(group.id(), field.path, field.type, shape);
    h5::describe(d.id(), field.description + "; leading axis: row (see /experiments/row)", field.units);
    for (const auto& [name, value] : field.attributes) h5::set_attribute(d.id(), name, value);
    std::vector<std::string> dims{"row"};
    dims.insert(dims.end(), field.dims.begin(), field.dims.end());
    h5::label_dimensions(d.id(), dims);
    users.push_back({field.path, d.id(), dims, shape});
    sets.push_back(std::move(d));
    recorded_paths += (recorded_paths.empty() ? "" : "\n") + field.path;
    recorded_names.push_back(field.path);
  }
  for (const ResultAttribute* a : column_attributes()) {
    const std::string path = a->group + "/" + a->name;
    create_parents(group.id(), path, made);
    h5::Object d = h5::create_row_dataset(group.id(), path, integer_column(*a, s) ? h5::Type::i64 : h5::Type::f64, {rows});
    h5::describe(d.id(), a->description, a->units);
    h5::label_dimensions(d.id(), {"row"});
    users.push_back({path, d.id(), {"row"}, {rows}});
    sets.push_back(std::move(d));
  }
  for (const ResultAttribute& a : result_attributes())
    if (a.store_group)
      std::visit([&](const auto& v) { h5::set_attribute(h5::open_group(group.id(), a.group).id(), a.name, v); },
                 job_value(a, s));
  // Which of a row's datasets its cell wrote: -1 the row is not written yet, 0 the cell has no
  // such value (no analysis after a blow-up, no weights after a failure), else the number of
  // elements written (fewer than reserved when training stopped early: the rest is fill).
  const hsize_t recorded_datasets = recorded_names.size();
  h5::Object recorded = h5::create_row_dataset(group.id(), "recorded", h5::Type::i32, {rows, recorded_datasets});
  h5::describe(recorded.id(),
               "per row and dataset (attribute datasets, in order): elements the cell wrote; -1 row not written, "
               "0 the cell has no such value; the rest of a dataset's row is fill (NaN, -1), not data",
               "1");
  h5::label_dimensions(recorded.id(), {"row", "dataset"});
  h5::set_attribute(recorded.id(), "datasets", recorded_paths);
  users.push_back({"recorded", recorded.id(), {"row", "dataset"}, {rows, recorded_datasets}});

  // Kept where h5py readers find it, beside the state scales.
  const std::vector<int> states = s.one_shot() ? std::vector<int>{0} : s.jacobian_states;
  h5::Object si = h5::create_row_dataset(group.id(), "jacobian/state_index", h5::Type::i32, {states.size()});
  h5::describe(si.id(), "state index n of each analysed Jacobian (one-shot: the flow map from u(0))", "1");
  h5::label_dimensions(si.id(), {"state"});
  if (writer) h5::write_whole(si.id(), h5::Type::i32, states.data());
  users.push_back({"jacobian/state_index", si.id(), {"state"}, {states.size()}});

  // The axes' coordinates, as dimension scales in every group that uses them (metadata, so
  // created collectively with everything else). The store's own: row (with each row's cell)
  // and dataset (recorded's columns).
  write_axis_scales(group.id(), users, [&](const std::string& axis, hsize_t length) {
    if (axis == "row") {
      std::vector<int> index(rows);
      for (size_t r = 0; r < index.size(); ++r) index[r] = static_cast<int>(r);
      return AxisCoordinates{"row of the group, from 0 (/experiments/row)", "1", index, "cell",
                             "the store's cell id of each row (/experiments/id)", "1",
                             std::vector<int>(cells.begin(), cells.end())};
    }
    if (axis == "dataset") return AxisCoordinates{"the group's datasets recorded counts", "", recorded_names};
    const ResultAxis* declared = find_result_axis(axis);
    if (!declared) throw std::logic_error("result axis " + axis + " is not declared in result_schema.cpp");
    return declared_coordinates(*declared, AxisContext{s, states, length});
  }, writer);
}

// /results: one group per shape of result (cells of one resolution and settings share one),
// rows in cell order. Returns each cell's row.
std::vector<int> create_results(hid_t f, const std::vector<GridCell>& cells, const std::vector<std::string>& groups,
                                bool writer) {
  h5::Object results = h5::create_group(f, "results");
  std::map<std::string, std::vector<const GridCell*>> by_group;
  for (const GridCell& c : cells) by_group[groups[static_cast<size_t>(c.id)]].push_back(&c);
  std::vector<int> row_of(cells.size(), 0);
  for (const auto& [name, members] : by_group) {
    std::vector<long> ids;
    for (const GridCell* c : members) ids.push_back(c->id);
    create_results_group(f, name, members.front()->spec, ids, writer);
    for (size_t r = 0; r < members.size(); ++r) row_of[static_cast<size_t>(members[r]->id)] = static_cast<int>(r);
  }
  return row_of;
}



}  // namespace

void SweepStore::create(const std::string& path, const StoreCells& store, const std::string& canonical_text,
                        const std::string& sweep_hash, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  h5::Object file = h5::create_parallel_file(path, comm);
  const hid_t f = file.id();
  h5::set_attribute(f, "schema_version", static_cast<long long>(kSchemaVersion));
  h5::set_attribute(f, "tool", std::string("npdesweep ") + NPDESWEEP_VERSION);
  h5::set_attribute(f, "Conventions", std::string(kConventions));
  {  // who made this file (a rebuild by repair, merge or a growth makes it anew): rank 0's, on every rank
    const Provenance p = this_process(comm);
    h5::Object g = h5::create_group(f, "provenance");
    h5::set_attribute(g.id(), "created", p.created);
    h5::set_attribute(g.id(), "version", p.version);
    h5::set_attribute(g.id(), "commit", p.commit);
    h5::set_attribute(g.id(), "host", p.host);
    h5::set_attribute(g.id(), "cpu", p.cpu);
    h5::set_attribute(g.id(), "instruction_set", p.instruction_set);
    h5::set_attribute(g.id(), "compiler", p.compiler);
  }
  h5::set_attribute(f, "sweep_name", store.current().name);
  h5::set_attribute(f, "sweep_toml", canonical_text);
  h5::set_attribute(f, "cells", static_cast<long long>(store.cells.size()));

  // Every object is created collectively; rank 0 alone writes the tables' data, each column
  // whole (one write per column, not per cell: a store of thousands of cells is made in well
  // under a second); then everyone flushes together.
  const std::vector<std::string> groups = group_names(store.cells);
  ExperimentTable table = create_experiment_table(f, store, rank == 0);
  const h5::Object code = create_status_and_timing(f, store, rank == 0);
  const std::vector<int> rows = create_results(f, store.cells, groups, rank == 0);
  if (rank == 0) {
    write_experiment_table(table, store, groups, rows);
    const std::vector<std::int32_t> pending(store.cells.size(), 0);
    h5::write_whole(code.id(), h5::Type::i32, pending.data());
  }
  MPI_Barrier(comm);
  h5::flush(f);
  // The sweep hash last: a file whose creation was cut short (a full disk, a crash) has none,
  // so `run` and `repair` recognise it as incomplete and make it again.
  h5::set_attribute(f, "sweep_hash", sweep_hash);
  h5::flush(f);  // checked; the close that follows (after every object above) has nothing left to write
}

SweepStore::SweepStore(const std::string& path, MPI_Comm comm)
    : path_(path), file_(h5::open_parallel_file(path, comm)) {}

std::string shard_problem(const std::string& path, const std::string& hash, const ExperimentSpec& spec) {
  if (!posix::exists(path)) return "its shard " + path + " is missing";
  try {
    h5::Object shard = h5::open_file_read_only(path);  // opened once for both checks
    if (std::string why = shard_identity_problem(shard.id(), path, hash); !why.empty()) return why;
    // Every result dataset fits the row its cell reserves: same rank and type, no axis longer
    // (shorter is a result: a loss curve cut by divergence). A longer one is damage, and writing
    // it would fail in the middle of a collective store update.
    for (const RowField& field : row_fields(spec)) {
      if (!h5::exists(shard.id(), "/" + field.path)) continue;
      const std::vector<hsize_t> shape = h5::shape_of(shard.id(), "/" + field.path);
      bool fits = shape.size() == field.item.size();
      for (size_t k = 0; fits && k < shape.size(); ++k) fits = shape[k] <= field.item[k];
      if (!fits) {
        std::string got, want;
        for (hsize_t n : shape) got += (got.empty() ? "" : ", ") + std::to_string(n);
        for (hsize_t n : field.item) want += (want.empty() ? "" : ", ") + std::to_string(n);
        return "its shard " + path + " has " + field.path + " of shape (" + got + "), more than its cell's (" + want +
               ")";
      }
    }
  } catch (const std::exception& e) {
    return "its shard " + path + " cannot be read (" + e.what() + ")";
  }
  return "";
}

void SweepStore::write_row_from_shard(const GridCell& cell, const std::string& hash, const std::string& shard_path) {
  const hid_t f = file_.id();
  std::int32_t row = 0;
  {
    const h5::RawData r = h5::read_row(f, "/experiments/row", static_cast<hsize_t>(cell.id));
    std::copy(r.bytes.begin(), r.bytes.begin() + 4, reinterpret_cast<unsigned char*>(&row));
  }
  if (groups_.empty()) groups_ = strings_of(h5::read_raw(f, "/experiments/group"));  // once: a worker writes many rows
  const std::string g = "/results/" + groups_.at(static_cast<size_t>(cell.id)) + "/";
  h5::Object shard = h5::open_file_read_only(shard_path);
  if (const std::string stored = h5::read_string_attribute(shard.id(), ".", "content_hash"); stored != hash)
    throw BadFileError("shard '" + shard_path + "' holds another cell (content hash " + stored + ", expected " + hash + ")");
  std::vector<std::int32_t> recorded;  // elements written per dataset
  for (const RowField& field : row_fields(cell.spec)) {
    if (recorded.size() == 4) posix::crash_point("row", cell.id);  // crash tests: die with a half-written row
    recorded.push_back(0);
    if (!h5::exists(shard.id(), "/" + field.path)) continue;  // e.g. no analysis for a diverged cell
    const h5::RawData d = h5::read_raw(shard.id(), "/" + field.path);
    if (d.bytes.empty()) continue;  // nothing recorded (a cell that failed before training)
    h5::write_row(dataset(g + field.path), d.type, static_cast<hsize_t>(row), d.shape, d.bytes.data());
    recorded.back() = static_cast<std::int32_t>(d.bytes.size() / h5::element_size(d.type));
  }
  for (const ResultAttribute* a : column_attributes()) {
    const double v = h5::read_double_attribute(shard.id(), "/" + a->group, a->name);
    const std::int64_t i = static_cast<std::int64_t>(v);  // integer columns hold integers: exact
    const bool integer = integer_column(*a, cell.spec);
    h5::write_row(dataset(g + a->group + "/" + a->name), integer ? h5::Type::i64 : h5::Type::f64,
                  static_cast<hsize_t>(row), {}, integer ? static_cast<const void*>(&i) : &v);
  }
  h5::write_row(dataset(g + "recorded"), h5::Type::i32, static_cast<hsize_t>(row), {recorded.size()}, recorded.data());
  const double seconds[3] = {h5::read_double_attribute(shard.id(), "/timing", "truth_seconds"),
                             h5::read_double_attribute(shard.id(), "/timing", "training_seconds"),
                             h5::read_double_attribute(shard.id(), "/timing", "analysis_seconds")};
  h5::write_row(dataset("/timing/seconds"), h5::Type::f64, static_cast<hsize_t>(cell.id), {3}, seconds);
  write_status(cell.id, status_from_name(h5::read_string_attribute(shard.id(), ".", "status")),
               h5::read_string_attribute(shard.id(), ".", "message"));
}

void SweepStore::write_status(long id, CellStatus status, const std::string& message) {
  std::string m = message.substr(0, kMessageSize);
  m.resize(kMessageSize, '\0');
  h5::write_row(dataset("/status/message"), h5::Type::str, static_cast<hsize_t>(id), {}, m.data(), kMessageSize);
  const std::int32_t code = static_cast<std::int32_t>(status);
  h5::write_row(dataset("/status/code"), h5::Type::i32, static_cast<hsize_t>(id), {}, &code);  // last: the row is complete
}

hid_t SweepStore::dataset(const std::string& path) {
  auto it = datasets_.find(path);
  if (it == datasets_.end()) it = datasets_.emplace(path, h5::open_dataset(file_.id(), path)).first;
  return it->second.id();
}


long SweepStore::copy_rows_from(const std::string& previous, const std::vector<GridCell>& cells,
                                const std::vector<long>& committed) {
  h5::Object old = h5::open_file_read_only(previous);
  const hid_t o = old.id(), f = file_.id();
  if (stored_identity(previous).schema_version != kSchemaVersion) return 0;  // another layout: rows from shards
  const std::vector<std::string> old_hash = strings_of(h5::read_raw(o, "/experiments/hash")),
                                 old_group = strings_of(h5::read_raw(o, "/experiments/group")),
                                 new_group = strings_of(h5::read_raw(f, "/experiments/group"));
  const h5::RawData old_row = h5::read_raw(o, "/experiments/row"), old_code = h5::read_raw(o, "/status/code"),
                    new_row = h5::read_raw(f, "/experiments/row");
  // Which cells to copy: committed, finished in the old file under the same hash.
  struct Move {
    long id;
    std::string from_group;
    int from_row, to_row;
  };
  std::map<std::string, std::vector<Move>> by_group;  // new group -> moves into it
  std::vector<long> ids;
  for (long id : committed) {
    const size_t i = static_cast<size_t>(id);
    if (i >= old_hash.size() || i >= cells.size() || old_hash[i] != cells[i].hash) continue;
    const int code = element<std::int32_t>(old_code, i);
    if (code != static_cast<int>(CellStatus::done) && code != static_cast<int>(CellStatus::failed) &&
        code != static_cast<int>(CellStatus::diverged))
      continue;
    by_group[new_group.at(i)].push_back({id, old_group.at(i), element<std::int32_t>(old_row, i), element<std::int32_t>(new_row, i)});
    ids.push_back(id);
  }
  if (ids.empty()) return 0;
  // Each dataset of each group: read whole, rows placed, written whole.
  auto move_rows = [&](const std::string& new_path, const std::vector<std::pair<std::string, std::pair<hsize_t, hsize_t>>>& rows) {
    h5::RawData to = h5::read_raw(f, new_path);
    const size_t width = row_bytes(to);
    std::map<std::string, h5::RawData> from;
    for (const auto& [old_path, at] : rows) {
      auto it = from.find(old_path);
      if (it == from.end()) it = from.emplace(old_path, h5::read_raw(o, old_path)).first;
      if (row_bytes(it->second) != width || it->second.type != to.type)
        throw BadFileError("a row of " + old_path + " in " + previous + " has another shape than in the new file");
      std::copy_n(it->second.bytes.data() + at.first * width, width, to.bytes.data() + at.second * width);
    }
    h5::write_whole(dataset(new_path), to.type, to.bytes.data(), to.type == h5::Type::str ? width : 0);
  };
  for (const auto& [group, moves] : by_group) {
    std::vector<std::string> paths;
    for (const RowField& field : row_fields(cells[static_cast<size_t>(moves.front().id)].spec)) paths.push_back(field.path);
    for (const ResultAttribute* a : column_attributes()) paths.push_back(a->group + "/" + a->name);
    paths.push_back("recorded");
    for (const std::string& p : paths) {
      std::vector<std::pair<std::string, std::pair<hsize_t, hsize_t>>> rows;
      for (const Move& m : moves) rows.push_back({"/results/" + m.from_group + "/" + p, {m.from_row, m.to_row}});
      move_rows("/results/" + group + "/" + p, rows);
    }
  }
  // Per cell: timing, message, and the status code last.
  for (const char* path : {"/timing/seconds", "/status/message", "/status/code"}) {
    std::vector<std::pair<std::string, std::pair<hsize_t, hsize_t>>> rows;
    for (long id : ids) rows.push_back({path, {static_cast<hsize_t>(id), static_cast<hsize_t>(id)}});
    move_rows(path, rows);
  }
  return static_cast<long>(ids.size());
}

std::vector<int> SweepStore::read_status_codes() const {
  const h5::RawData r = h5::read_raw(file_.id(), "/status/code");
  std::vector<int> out(r.bytes.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    std::int32_t v;
    std::copy(r.bytes.begin() + 4 * i, r.bytes.begin() + 4 * i + 4, reinterpret_cast<unsigned char*>(&v));
    out[i] = v;
  }
  return out;
}

void SweepStore::close() {
  datasets_.clear();
  file_.close(path_);
}

long restore_committed_rows(SweepStore& store, const std::vector<GridCell>& cells, const std::vector<long>& committed,
                            const StorePaths& paths, std::vector<LostShard>* lost) {
  const std::vector<int> codes = store.read_status_codes();
  auto finished = [](int code) {
    return code == static_cast<int>(CellStatus::done) || code == static_cast<int>(CellStatus::failed) ||
           code == static_cast<int>(CellStatus::diverged);
  };
  long restored = 0;
  for (long id : committed) {
    if (finished(codes[static_cast<size_t>(id)])) continue;  // the row is there
    const GridCell& c = cells[static_cast<size_t>(id)];
    const std::string& hash = c.hash;
    const std::string shard = paths.shard(id, hash);
    if (std::string why = shard_problem(shard, hash, c.spec); !why.empty()) {
      if (lost) lost->push_back({id, why});
      continue;
    }
    store.write_row_from_shard(c, hash, shard);
    ++restored;
  }
  return restored;
}

double estimated_store_bytes(const std::vector<GridCell>& cells) {
  double total = 0;
  for (const GridCell& c : cells) {
    double row = 3 * 8 + 4 + kMessageSize;  // timing, status code and message
    for (const RowField& f : row_fields(c.spec)) {
      double items = 1;
      for (hsize_t d : f.item) items *= static_cast<double>(d);
      row += items * static_cast<double>(h5::element_size(f.type));
    }
    total += 2 * row;  // the row and the shard
  }
  return total;
}

StoreIdentity stored_identity(const std::string& path) {
  h5::Object f = h5::open_file_read_only(path);
  StoreIdentity id;
  id.sweep_hash = h5::read_string_attribute(f.id(), ".", "sweep_hash");
  const double schema = h5::read_double_attribute(f.id(), ".", "schema_version");
  if (!(schema >= 0 && schema <= 1000 && schema == std::floor(schema)))
    throw BadFileError("attribute schema_version is not a schema number");
  id.schema_version = static_cast<int>(schema);
  return id;
}

}  // namespace npde
