#pragma once
// The closure network kinds (network.kind), each one entry of the table in network_kinds.cpp,
// like the steppers' tables: its name, the job keys it reads, its factory, what a sweep's
// replicate seeds derive from, its size and flop count before anything is built, and its own
// check against the grid. The job reader, the canonical text (which of the [network] keys it
// writes), the cost model and the memory check ask this table, never "is it a CNN?".
// A kind's network implements the interface model/network.hpp forwards (forward, input VJP,
// parameter gradient, block JVP, prepared weights).
#include <optional>
#include <string>
#include <vector>

#include "model/network.hpp"

namespace npde {

struct ExperimentSpec;

// The closure network's sizes, counted in floating point from the settings alone (before any
// network is built: a job's sizes are checked against memory with them, and may be absurd).
struct NetworkSize {
  double parameters = 0;     // trainable parameters
  double hidden = 0;         // hidden values per state (an MLP's units, a CNN's channels x N)
  double forward_flops = 0;  // one forward pass
};

// A setting of a kind that the grid refuses: the key, and why.
struct NetworkRefusal {
  std::string key;
  std::string message;
};

struct NetworkKindEntry {
  NetworkKind kind;
  const char* name;               // its network.kind
  std::vector<const char*> keys;  // the [network] keys it reads (and the canonical text writes for it)
  const char* size_key;           // the key its memory grows with (named when a job does not fit)
  Network (*build)(const ExperimentSpec& spec);
  // What a sweep's replicate seeds are derived from (derive_seed): distinct between kinds.
  std::vector<int> (*seed_basis)(const ExperimentSpec& spec);
  NetworkSize (*size)(const ExperimentSpec& spec);
  std::optional<NetworkRefusal> (*check)(const ExperimentSpec& spec);  // against the grid
};

const std::vector<NetworkKindEntry>& network_kinds();
const NetworkKindEntry& network_kind_entry(NetworkKind kind);
// Does `kind` read the [network] key `key` ("network.hidden")? network.kind and
// network.activation are every kind's.
bool network_uses_key(NetworkKind kind, const std::string& key);

}  // namespace npde
