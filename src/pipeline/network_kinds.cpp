#include "pipeline/network_kinds.hpp"

#include <algorithm>
#include <stdexcept>

#include "pipeline/experiment_spec.hpp"

namespace npde {
namespace {

// An MLP's layer widths, input to output: N, the hidden widths, N.
std::vector<int> mlp_widths(const ExperimentSpec& spec) {
  std::vector<int> w{spec.pde.resolution};
  w.insert(w.end(), spec.hidden.begin(), spec.hidden.end());
  w.push_back(spec.pde.resolution);
  return w;
}

// Per layer l (widths w): a dense layer has w[l+1] x w[l] weights and w[l+1] biases, costs
// 2 w[l] w[l+1] + w[l+1] flops; a periodic convolution over N points with K taps has
// c_out x c_in x K weights and c_out biases, costs N (2 K c_in c_out + c_out) flops.
NetworkSize layered_size(const std::vector<double>& w, double taps, double points) {
  NetworkSize size;
  for (size_t l = 0; l + 1 < w.size(); ++l) {
    size.parameters += w[l + 1] * (w[l] * taps + 1);
    size.forward_flops += 2.0 * taps * points * w[l] * w[l + 1] + points * w[l + 1];
    if (l > 0) size.hidden += points * w[l];
  }
  return size;
}

}  // namespace

const std::vector<NetworkKindEntry>& network_kinds() {
  static const std::vector<NetworkKindEntry> kinds = {
      {NetworkKind::mlp, "mlp", {"network.hidden"}, "network.hidden",
       [](const ExperimentSpec& s) { return Network(Mlp(mlp_widths(s))); },
       // the layer widths, as before the CNN existed: MLP seeds are unchanged
       [](const ExperimentSpec& s) { return mlp_widths(s); },
       [](const ExperimentSpec& s) {
         const double n = s.pde.resolution;
         std::vector<double> w{n};
         w.insert(w.end(), s.hidden.begin(), s.hidden.end());
         w.push_back(n);
         return layered_size(w, 1.0, 1.0);
       },
       [](const ExperimentSpec&) { return std::optional<NetworkRefusal>(); }},
      {NetworkKind::cnn, "cnn", {"network.channels", "network.kernel"}, "network.channels",
       [](const ExperimentSpec& s) { return Network(Cnn(s.pde.resolution, s.channels, s.kernel)); },
       // {N, -1, kernel, channels...}: -1, a width no MLP has, keeps the kinds' seeds apart
       [](const ExperimentSpec& s) {
         std::vector<int> w{s.pde.resolution, -1, s.kernel};
         w.insert(w.end(), s.channels.begin(), s.channels.end());
         return w;
       },
       [](const ExperimentSpec& s) {
         std::vector<double> w{1.0};
         w.insert(w.end(), s.channels.begin(), s.channels.end());
         w.push_back(1.0);
         return layered_size(w, s.kernel, s.pde.resolution);
       },
       [](const ExperimentSpec& s) {
         if (s.kernel <= s.pde.resolution) return std::optional<NetworkRefusal>();
         return std::optional<NetworkRefusal>(
             NetworkRefusal{"network.kernel", "a kernel of " + std::to_string(s.kernel) +
                                                  " points is wider than the grid, N = " +
                                                  std::to_string(s.pde.resolution)});
       }},
  };
  return kinds;
}

const NetworkKindEntry& network_kind_entry(NetworkKind kind) {
  for (const NetworkKindEntry& k : network_kinds())
    if (k.kind == kind) return k;
  throw std::logic_error("a network kind without its entry in network_kinds()");
}

bool network_uses_key(NetworkKind kind, const std::string& key) {
  if (key == "network.kind" || key == "network.activation") return true;
  const std::vector<const char*>& keys = network_kind_entry(kind).keys;
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

template <>
const std::vector<KindName<NetworkKind>>& kind_names<NetworkKind>() {
  static const std::vector<KindName<NetworkKind>> names = [] {
    std::vector<KindName<NetworkKind>> n;
    for (const NetworkKindEntry& k : network_kinds()) n.push_back({k.kind, k.name});
    return n;
  }();
  return names;
}

}  // namespace npde
