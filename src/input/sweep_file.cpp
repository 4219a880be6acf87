#include "input/sweep_file.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "numerics/time_stepper.hpp"
#include "input/canonical.hpp"
#include "input/field_rules.hpp"
#include "input/job_file.hpp"

namespace npde {

// Grids larger than this are refused: each cell costs a spec, a hash and a row in memory on
// every rank before any work starts.
constexpr long kMaxCells = 100'000;
namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  // splitmix64 finaliser over the running value: good avalanche, no dependencies
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

std::string cell_name(const SweepSpec& s, const ExperimentSpec& e, int replicate) {
  std::ostringstream os;
  os << s.name << ":N" << e.pde.resolution << ":" << e.train_stencil << ":" << e.infer_stencil << ":"
     << e.train_ic.label();
  if (s.axis("stepper")) os << ":" << e.integrator.model.name();
  os << ":r" << replicate;
  return os.str();
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t sweep_seed, const std::vector<int>& widths, int replicate) {
  std::uint64_t h = mix(0x6e70646573776570ull, sweep_seed);  // "npdeswep"
  for (int w : widths) h = mix(h, static_cast<std::uint64_t>(w));
  return mix(h, static_cast<std::uint64_t>(replicate)) >> 1;  // fits a TOML integer
}

const std::vector<std::string>& named_axes() {
  static const std::vector<std::string> k = {"resolution", "train_stencil", "infer_stencil", "ic", "stepper"};
  return k;
}

bool GridAxis::named() const { return key.find('.') == std::string::npos; }

const GridAxis* SweepSpec::axis(const std::string& key) const {
  for (const GridAxis& a : axes)
    if (a.key == key) return &a;
  return nullptr;
}

namespace {

// The sections a dotted axis may set, and the job keys that are named axes in a sweep.
const std::vector<std::string> kAxisSections = {"pde", "network", "training", "integrator", "analysis"};
const std::map<std::string, std::string> kNamedJobKeys = {{"pde.resolution", "resolution"},
                                                          {"stencils.train", "train_stencil"},
                                                          {"stencils.infer", "infer_stencil"},
                                                          {"initial_conditions.train", "ic"},
                                                          {"integrator.model", "stepper"}};
const char* kSeedAxis = "experiment.seed";

// The sections every cell shares, read like a job file's (with the grid's keys absent).
struct Sections {
  ExperimentSpec spec;
  SpecLines lines;
  bool integrator_model_set = false;
};

Sections read_sections(const toml::table& root, const std::string& path) {
  TomlReader top(root, path, "");
  Sections out;
  ExperimentSpec& b = out.spec;
  TomlReader pde = top.table("pde");
  if (pde.has("resolution")) pde.fail("resolution", "belongs in [grid] resolution = [...] in a sweep file");
  b.pde = read_pde_section(top, pde, &b.dt, &b.steps, /*with_resolution=*/false);

  SpecLines& lines = out.lines;
  lines.file = path;
  lines.fixed_stencil = pde.line_of("fixed_stencil");
  read_network_and_training(top, pde, lines, b);
  if (auto integrator = top.optional_table("integrator")) {
    out.integrator_model_set = integrator->has("model");
    b.integrator = read_integrator_section(*integrator);
  }

  TomlReader analysis = top.table("analysis");
  b.fields = read_fields(analysis, FieldsKept::none);
  b.pseudospectra = read_pseudospectra(analysis);
  lines.jacobian_states = analysis.line_of("jacobian_states");
  for (TomlReader& t : analysis.table_list("test_ics")) b.test_ics.push_back(read_initial_condition(t));
  if (b.test_ics.empty()) analysis.fail("test_ics", "must list at least one test initial condition");
  if (b.one_shot() && analysis.has("jacobian_states"))
    analysis.fail("jacobian_states", "one-shot models are analysed through the flow map u0 -> u(T); remove this key");
  for (long long st : analysis.get_integer_list("jacobian_states", std::vector<long long>{0})) {
    if (st < 0 || st > 1'000'000'000) analysis.fail("jacobian_states", "states must be integers from 0 to pde.steps - 1");
    if (!b.one_shot()) b.jacobian_states.push_back(static_cast<int>(st));
  }
  analysis.finish();
  return out;
}

std::string grid_path(const GridAxis& a) {
  const std::string key = a.named() ? a.key : "\"" + a.key + "\"";
  return a.zip < 0 ? "grid." + key : "grid.zip[" + std::to_string(a.zip) + "]." + key;
}

long node_line(const toml::node& n) { return static_cast<long>(n.source().begin.line); }

// One value of a named axis, parsed and checked as its job key would be.
AxisValue named_value(const std::string& key, const toml::node& el, const std::string& file, const std::string& path) {
  AxisValue v;
  v.line = node_line(el);
  if (key == "resolution") {
    if (!el.is_integer() || el.as_integer()->get() < 2 || el.as_integer()->get() > 1'000'000)
      throw InputError(file, v.line, path, "resolutions must be integers from 2 to 1000000");
    v.integer = static_cast<int>(el.as_integer()->get());
    v.text = std::to_string(v.integer);
  } else if (key == "ic") {
    if (!el.is_table()) throw InputError(file, v.line, path, "must be a table such as { kind = \"step\", amplitude = 2.0 }");
    TomlReader t(*el.as_table(), file, path);
    v.ic = read_initial_condition(t);
    v.text = initial_condition_toml(v.ic);
  } else {
    const bool stepper = key == "stepper";
    const std::string what = stepper ? "stepper" : "stencil";
    if (!el.is_string() || !(stepper ? is_time_stepper_name(el.as_string()->get()) : is_stencil_name(el.as_string()->get())))
      throw InputError(file, v.line, path,
                       "unknown " + what + " " + (el.is_string() ? "'" + el.as_string()->get() + "'" : "value") +
                           "; known " + what + "s: " + join(stepper ? time_stepper_names() : stencil_names()));
    v.word = el.as_string()->get();
    v.text = toml_string(v.word);
  }
  return v;
}

// One axis of [grid] or of a [[grid.zip]] table: a non-empty list of distinct values.
GridAxis read_axis(TomlReader& t, const std::string& key, int zip) {
  GridAxis a;
  a.key = key;
  a.zip = zip;
  a.line = t.line_of(key);
  if (!a.named()) {
    if (auto it = kNamedJobKeys.find(key); it != kNamedJobKeys.end())
      t.fail(key, "is the grid's named axis '" + it->second + "': write " + it->second + " = [...]");
    const std::string section = key.substr(0, key.find('.'));
    if (key != kSeedAxis && std::find(kAxisSections.begin(), kAxisSections.end(), section) == kAxisSections.end())
      t.fail(key, "an axis is a named axis (" + join(named_axes()) + ") or a job key of [" + join(kAxisSections) +
                      "] by its dotted path, such as \"training.learning_rate\", or \"" + kSeedAxis + "\"");
    if (key == "analysis.test_ics") t.fail(key, "every cell of a sweep has the same test ICs; this key cannot be an axis");
    if (key == "analysis.fields")
      t.fail(key, "every cell of a sweep keeps the same solution fields; set [analysis] fields once");
  } else if (std::find(named_axes().begin(), named_axes().end(), key) == named_axes().end()) {
    t.fail(key, "unknown axis; the named axes are " + join(named_axes()) +
                    ", and any job key can be one by its dotted path, such as \"training.learning_rate\"");
  }
  const toml::node* n = t.get_node(key);
  if (!n->is_array() || n->as_array()->empty())
    t.fail(key, "must list at least one value (an array, one value per cell along this axis)");
  int i = 0;
  for (const toml::node& el : *n->as_array()) {
    const std::string item = t.path_of(key) + "[" + std::to_string(i++) + "]";
    AxisValue v;
    if (a.named()) {
      v = named_value(key, el, t.file(), key == "ic" ? item : t.path_of(key));
    } else {
      v.line = node_line(el);
      v.value = key_value_of(el);
      v.text = v.value.text;
      if (key == kSeedAxis && (!el.is_integer() || el.as_integer()->get() < 0))
        throw InputError(t.file(), v.line, item, "seeds must be non-negative integers");
    }
    for (const AxisValue& w : a.values)
      if (w.text == v.text) throw InputError(t.file(), v.line, t.path_of(key), "lists the value " + v.text + " twice");
    a.values.push_back(std::move(v));
  }
  return a;
}

// The dimensions of the grid in enumeration order: one per lone axis, one per zip (at the place
// of its first member); each lists its axes.
std::vector<std::vector<size_t>> dimensions(const SweepSpec& s) {
  std::vector<std::vector<size_t>> dims;
  std::map<int, size_t> zip_dim;
  for (size_t i = 0; i < s.axes.size(); ++i) {
    const int z = s.axes[i].zip;
    if (z < 0) {
      dims.push_back({i});
    } else if (auto it = zip_dim.find(z); it != zip_dim.end()) {
      dims[it->second].push_back(i);
    } else {
      zip_dim[z] = dims.size();
      dims.push_back({i});
    }
  }
  return dims;
}

// Calls f(value index per axis, replicate) for every cell not excluded, in enumeration order.
template <class F>
void for_each_cell(const SweepSpec& s, F&& f) {
  const std::vector<std::vector<size_t>> dims = dimensions(s);
  std::vector<size_t> at(dims.size(), 0), value(s.axes.size(), 0);
  while (true) {
    for (size_t d = 0; d < dims.size(); ++d)
      for (size_t a : dims[d]) value[a] = at[d];
    bool excluded = false;
    for (const GridExclusion& x : s.exclusions) {
      bool all = true;
      for (const auto& [axis, v] : x.match) all = all && value[axis] == v;
      excluded = excluded || all;
    }
    if (!excluded)
      for (int r = 0; r < s.replicates; ++r) f(value, r);
    size_t d = dims.size();
    while (d > 0 && ++at[d - 1] == s.axes[dims[d - 1].front()].values.size()) at[--d] = 0;
    if (d == 0) return;
  }
}

// The key of a cell's sections: its value indexes on the dotted axes that set a section key.
std::vector<size_t> variant_key(const SweepSpec& s, const std::vector<size_t>& value) {
  std::vector<size_t> k;
  for (size_t a = 0; a < s.axes.size(); ++a)
    if (!s.axes[a].named() && s.axes[a].key != kSeedAxis) k.push_back(value[a]);
  return k;
}

std::string describe_cell(const SweepSpec& s, const std::vector<size_t>& value, bool dotted_only) {
  std::string t;
  for (size_t a = 0; a < s.axes.size(); ++a)
    if (!dotted_only || !s.axes[a].named()) t += (t.empty() ? "" : ", ") + s.axes[a].key + " = " + s.axes[a].values[value[a]].text;
  return t;
}

// An error in a cell's settings, said where the user can fix it: at the grid value when the key
// is an axis, else where it was with the axis values of the cell.
[[noreturn]] void rethrow_for_cell(const InputError& e, const SweepSpec& s, const std::vector<size_t>& value,
                                   bool dotted_only, const std::string& extra = "") {
  for (size_t a = 0; a < s.axes.size(); ++a)
    if (e.key() == s.axes[a].key)
      throw InputError(e.file(), s.axes[a].values[value[a]].line, grid_path(s.axes[a]),
                       e.message() + (extra.empty() ? " (value " + s.axes[a].values[value[a]].text + ")" : extra));
  const std::string where = describe_cell(s, value, dotted_only);
  throw InputError(e.file(), e.line(), e.key(), where.empty() ? e.message() : e.message() + " (in the cells with " + where + ")");
}

void read_grid(TomlReader& top, const toml::table& root, SweepSpec& s) {
  TomlReader grid = top.table("grid");
  const toml::table& g = *root["grid"].as_table();
  std::vector<GridAxis> axes;
  for (auto&& [k, v] : g) {
    const std::string key(k.str());
    if (key != "zip" && key != "exclude") axes.push_back(read_axis(grid, key, -1));
  }
  if (grid.has("zip")) {
    int z = 0;
    for (TomlReader& zt : grid.table_list("zip")) {
      const toml::table& table = *g["zip"].as_array()->at(static_cast<size_t>(z)).as_table();
      if (table.empty())
        throw InputError(zt.file(), zt.line_of(""), "grid.zip[" + std::to_string(z) + "]",
                         "a zip lists the axes that vary together, each with the same number of values");
      const size_t first = axes.size();
      for (auto&& [k, v] : table) {
        const std::string key(k.str());
        for (const GridAxis& a : axes)
          if (a.key == key) zt.fail(key, "is already an axis at " + grid_path(a) + "; an axis is given once");
        axes.push_back(read_axis(zt, key, z));
        if (axes.back().values.size() != axes[first].values.size())
          zt.fail(key, "has " + std::to_string(axes.back().values.size()) + " values but " + axes[first].key + " has " +
                           std::to_string(axes[first].values.size()) + "; zipped axes vary together and need as many");
      }
      ++z;
    }
  }
  for (const char* key : {"resolution", "train_stencil", "infer_stencil", "ic"})
    if (std::none_of(axes.begin(), axes.end(), [&](const GridAxis& a) { return a.key == key; }))
      grid.fail(key, "missing; every sweep varies (or fixes, with one value) resolution, train_stencil, infer_stencil and ic");
  // Enumeration order: the named axes in their order, then the dotted keys sorted.
  auto rank = [](const GridAxis& a) {
    const auto it = std::find(named_axes().begin(), named_axes().end(), a.key);
    return std::make_pair(static_cast<long>(it - named_axes().begin()), a.named() ? std::string() : a.key);
  };
  std::sort(axes.begin(), axes.end(), [&](const GridAxis& a, const GridAxis& b) { return rank(a) < rank(b); });
  s.axes = std::move(axes);

  if (grid.has("exclude")) {
    for (TomlReader& xt : grid.table_list("exclude")) {
      GridExclusion x;
      x.line = xt.line_of("");
      const toml::table& table = *g["exclude"].as_array()->at(s.exclusions.size()).as_table();
      if (table.empty())
        throw InputError(xt.file(), x.line, "grid.exclude[" + std::to_string(s.exclusions.size()) + "]",
                         "an exclusion names one or more axes with the value to leave out");
      for (auto&& [k, v] : table) {
        const std::string key(k.str());
        xt.get_node(key);
        const GridAxis* a = s.axis(key);
        if (!a) {
          std::vector<std::string> keys;
          for (const GridAxis& b : s.axes) keys.push_back(b.key);
          xt.fail(key, "is not an axis of this grid; its axes are " + join(keys));
        }
        const std::string text =
            a->named() ? named_value(key, v, xt.file(), xt.path_of(key)).text : canonical_value(v);
        size_t found = a->values.size();
        for (size_t j = 0; j < a->values.size(); ++j)
          if (a->values[j].text == text) found = j;
        if (found == a->values.size()) {
          std::vector<std::string> texts;
          for (const AxisValue& w : a->values) texts.push_back(w.text);
          xt.fail(key, text + " is not a value of this axis; its values are " + join(texts));
        }
        x.match.emplace_back(static_cast<size_t>(a - s.axes.data()), found);
      }
      s.exclusions.push_back(std::move(x));
    }
  }
}

// `text` is parsed again for each combination of dotted-axis values (a copied toml::table
// loses its source lines, which every error message needs).
SweepSpec read_sweep_table(const std::string& text, const std::string& path, bool for_this_machine) {
  const toml::table root = TomlReader::parse_text(text, path);
  TomlReader top(root, path, "");
  SweepSpec s;

  TomlReader sweep = top.table("sweep");
  s.name = sweep.get_string("name");
  if (s.name.empty() || s.name.find_first_of(" :/\t") != std::string::npos)
    sweep.fail("name", "must be non-empty without spaces, ':' or '/'");
  const bool sweep_seed_set = sweep.has("seed");
  const long long seed = sweep.get_integer("seed", 0);
  if (seed < 0) sweep.fail("seed", "must be a non-negative integer");
  s.seed = static_cast<std::uint64_t>(seed);
  s.replicates = positive_int(sweep, "replicates", 1);
  sweep.finish();

  // The sections are read for the grid's lines first, so that an error in them names its key.
  for (const char* section : {"pde", "network", "training", "analysis"}) top.table(section);
  top.optional_table("integrator");
  if (root.contains("case")) top.get_node("case");
  read_grid(top, root, s);
  top.finish();
  const GridAxis* seed_axis = s.axis(kSeedAxis);
  if (seed_axis && sweep_seed_set)
    sweep.fail("seed", std::string("the seed is either one value here or the grid axis \"") + kSeedAxis + "\", not both");
  // A key is an axis or a value of its section, not both.
  for (const GridAxis& a : s.axes) {
    if (a.named() || a.key == kSeedAxis) continue;
    const std::string section = a.key.substr(0, a.key.find('.')), key = a.key.substr(a.key.find('.') + 1);
    if (const toml::table* t = root[section].as_table(); t && t->contains(key))
      throw InputError(path, node_line(*t->get(key)), a.key,
                       "is also the grid axis " + grid_path(a) + "; give it in one place");
  }
  if (s.product() > kMaxCells)  // before anything is enumerated: a million specs would not fit in memory
    throw InputError(path, sweep.line_of("replicates") > 0 ? sweep.line_of("replicates") : top.line_of("grid"),
                     sweep.line_of("replicates") > 0 ? "sweep.replicates" : "grid",
                     "the grid has " + std::to_string(s.product()) + " cells; one sweep holds at most " +
                         std::to_string(kMaxCells) + " (split it into several sweeps)");

  // The sections of each combination of dotted-axis values, read like a job file's.
  for_each_cell(s, [&](const std::vector<size_t>& value, int r) {
    if (r > 0) return;
    std::vector<size_t> key = variant_key(s, value);
    if (s.variants.count(key)) return;
    toml::table copy = TomlReader::parse_text(text, path);
    copy.erase("grid");
    for (size_t a = 0; a < s.axes.size(); ++a) {
      const GridAxis& axis = s.axes[a];
      if (axis.named() || axis.key == kSeedAxis) continue;
      const std::string section = axis.key.substr(0, axis.key.find('.')), name = axis.key.substr(axis.key.find('.') + 1);
      // the value as the sweep file wrote it (copied: its node, not its text read again)
      const toml::node_view grid = axis.zip < 0 ? root["grid"] : root["grid"]["zip"][static_cast<size_t>(axis.zip)];
      if (!copy.contains(section)) copy.insert(section, toml::table{});
      copy[section].as_table()->insert_or_assign(name, *grid[axis.key][value[a]].node());
    }
    try {
      Sections sec = read_sections(copy, path);
      if (s.axis("stepper") && sec.integrator_model_set)
        throw InputError(path, s.axis("stepper")->line, "grid.stepper",
                         "the stepper is either an axis here or one value in [integrator] model, not both");
      s.variants.emplace(key, std::move(sec.spec));
    } catch (const InputError& e) {
      std::string known;
      if (e.message() == "unknown key") {
        try {
          toml::table bare = TomlReader::parse_text(text, path);
          bare.erase("grid");
          known = "; the keys an axis can vary are " + join(dotted_axis_keys(read_sections(bare, path).spec));
        } catch (const InputError&) {  // the sections need an axis key to be read at all: no list
        }
      }
      rethrow_for_cell(e, s, value, /*dotted_only=*/true, known);
    }
  });
  if (s.variants.empty()) throw InputError(path, top.line_of("grid"), "grid.exclude", "the exclusions leave no cell");

  const std::vector<GridCell> cells = enumerate_cells(s);
  s.base = s.variants.at(variant_key(s, cells.front().value));
  // The lines of the checks: the sections' (without axis values) and the grid's.
  SpecLines lines;
  {
    const toml::table& bare = root;
    lines.file = path;
    auto line = [&](const char* section, const char* key) {
      return bare.contains(section) ? TomlReader(*bare[section].as_table(), path, section).line_of(key) : 0L;
    };
    lines.fixed_stencil = line("pde", "fixed_stencil");
    lines.steps = line("pde", "steps");
    lines.hidden = line("network", "hidden");
    lines.channels = line("network", "channels");
    lines.kernel = line("network", "kernel");
    lines.truth_correction = line("integrator", "truth_correction");
    lines.transitions = line("training", "transitions");
    lines.epochs = line("training", "epochs");
    lines.jacobian_states = line("analysis", "jacobian_states");
  }
  lines.resolution = s.axis("resolution")->line;
  lines.train_stencil = s.axis("train_stencil")->line;
  lines.infer_stencil = s.axis("infer_stencil")->line;
  lines.resolution_key = grid_path(*s.axis("resolution"));
  lines.train_key = grid_path(*s.axis("train_stencil"));
  lines.infer_key = grid_path(*s.axis("infer_stencil"));
  // Every cell must be valid: the same checks as a job file, with the grid's lines.
  for (const GridCell& c : cells) {
    try {
      validate_experiment(c.spec, lines);
      if (for_this_machine) check_memory(c.spec, lines);
    } catch (const InputError& e) {
      // A cell's own problem; its axis values say which cells when the sections vary too.
      if (s.variants.size() == 1) throw;
      rethrow_for_cell(e, s, c.value, /*dotted_only=*/false);
    }
  }
  return s;
}

}  // namespace

long SweepSpec::product() const {
  long n = replicates;
  for (const std::vector<size_t>& d : dimensions(*this)) {
    n *= static_cast<long>(axes[d.front()].values.size());
    if (n > 100 * kMaxCells) return n;  // no overflow; too many either way
  }
  return n;
}

SweepSpec read_sweep_file(const std::string& path) {
  return read_sweep_table(TomlReader::read_file(path), path, /*for_this_machine=*/true);
}

SweepSpec read_sweep_text(const std::string& text, const std::string& source) {
  return read_sweep_table(text, source, /*for_this_machine=*/false);
}

std::vector<InitialCondition> read_sweep_test_ics(const std::string& text, const std::string& source) {
  const toml::table root = TomlReader::parse_text(text, source);
  TomlReader analysis = TomlReader(root, source, "").table("analysis");
  std::vector<InitialCondition> ics;
  for (TomlReader& t : analysis.table_list("test_ics")) ics.push_back(read_initial_condition(t));
  return ics;
}

std::vector<GridCell> enumerate_cells(const SweepSpec& s) {
  std::vector<GridCell> cells;
  for_each_cell(s, [&](const std::vector<size_t>& value, int r) {
    GridCell c;
    c.id = static_cast<long>(cells.size());
    c.replicate = r;
    c.value = value;
    c.spec = s.variants.at(variant_key(s, value));
    std::uint64_t seed = s.seed;
    for (size_t a = 0; a < s.axes.size(); ++a) {
      const GridAxis& axis = s.axes[a];
      const AxisValue& v = axis.values[value[a]];
      if (axis.key == "resolution") c.spec.pde.resolution = v.integer;
      if (axis.key == "train_stencil") c.spec.train_stencil = v.word;
      if (axis.key == "infer_stencil") c.spec.infer_stencil = v.word;
      if (axis.key == "ic") c.spec.train_ic = v.ic;
      if (axis.key == "stepper") c.spec.integrator.model = Stepper::named(v.word);
      if (axis.key == kSeedAxis) seed = std::stoull(v.text);
    }
    c.spec.seed = derive_seed(seed, c.spec.seed_basis(), r);
    c.spec.name = cell_name(s, c.spec, r);
    c.hash = content_hash(canonical_toml(c.spec));
    cells.push_back(std::move(c));
  });
  return cells;
}

}  // namespace npde
