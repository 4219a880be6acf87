#include "store/store_cells.hpp"

#include <algorithm>
#include <map>

#include "input/job_keys.hpp"
#include "store/posix_io.hpp"

namespace npde {

StoreCells store_cells(std::vector<std::string> history, const std::string& current_text, const std::string& source) {
  StoreCells s;
  if (std::find(history.begin(), history.end(), current_text) == history.end()) history.push_back(current_text);
  std::map<std::string, long> id_of;  // content hash -> id
  for (size_t k = 0; k < history.size(); ++k) {
    s.sweeps.push_back(read_sweep_text(history[k], source + " (sweep " + std::to_string(k) + " of its history)"));
    const bool current = history[k] == current_text;
    if (current) s.current_index = k;
    for (GridCell& c : enumerate_cells(s.sweeps.back())) {
      auto [it, fresh] = id_of.emplace(c.hash, static_cast<long>(s.cells.size()));
      if (fresh) {
        c.id = it->second;
        s.cells.push_back(std::move(c));
        s.sweep_of.push_back(k);
        s.in_view.push_back(false);
      }
      if (current) {
        s.in_view[static_cast<size_t>(it->second)] = true;
        s.view.push_back(it->second);
      }
    }
  }
  return s;
}

std::vector<std::string> read_history(const StorePaths& paths) {
  std::vector<std::string> history;
  for (int n = 0; posix::exists(paths.history_entry(n)); ++n) history.push_back(posix::read_file(paths.history_entry(n)));
  if (history.empty() && posix::exists(paths.sweep_toml)) history.push_back(posix::read_file(paths.sweep_toml));
  return history;
}

void append_history(const StorePaths& paths, const std::vector<std::string>& history, const std::string& canonical) {
  if (std::find(history.begin(), history.end(), canonical) != history.end() && posix::exists(paths.history_entry(0)))
    return;
  posix::make_directory(paths.history);
  for (size_t n = 0; n <= history.size(); ++n) {
    const std::string path = paths.history_entry(static_cast<int>(n));
    if (n < history.size() && posix::exists(path)) continue;
    if (n == history.size() && std::find(history.begin(), history.end(), canonical) != history.end()) break;
    posix::write_file_atomic(path, n < history.size() ? history[n] : canonical);
  }
}

KeyValue cell_value(const StoreCells& store, long id, const std::string& key) {
  const size_t i = static_cast<size_t>(id);
  const SweepSpec& sweep = store.sweeps[store.sweep_of[i]];
  if (const GridAxis* a = sweep.axis(key)) return a->values[store.cells[i].value[static_cast<size_t>(a - sweep.axes.data())]].value;
  if (key == "experiment.seed") {
    KeyValue seed;
    seed.type = KeyValue::Type::integer;
    seed.integer = static_cast<std::int64_t>(sweep.seed);
    seed.text = std::to_string(sweep.seed);
    return seed;
  }
  return key_value(store.cells[i].spec, key).value_or(KeyValue{});
}

}  // namespace npde
