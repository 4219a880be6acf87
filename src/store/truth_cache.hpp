#pragma once
// Truth computed once per sweep (docs/store.md, "Truth cache"): the truth trajectories and
// truth-map Jacobian spectra of a cell depend on far less than the cell (not on the inference
// stencil, the network, the training or the seed), so the cells of a sweep that share them
// compute each once. Entries live in a directory beside the store (FILE.h5.d/truth/), one file
// per key, and are shared by every worker on every node and by later runs (resume, growth).
//
// An entry is found by the content hash of its key (the text naming everything the values
// depend on) and holds the key itself, so two keys with one hash cannot be confused; a CRC-32
// covers the whole file, so a torn or damaged entry is recomputed, never used. Entries are
// written to a temporary file and renamed: two workers keeping one key write the same bytes and
// the last rename wins. Keeping is best effort: an entry that cannot be written (a full disk)
// costs only its recomputation later, never the cell.
//
// It is the pipeline's TruthMemo (pipeline/truth_memo.hpp): a key's text is the canonical truth
// text of the cell (spec/canonical.hpp) and what else the key names; a value is its doubles as
// computed (a trajectory: its accepted and rejected step counts, then its states column by
// column; a spectrum: its eigenvalues' (re, im) pairs, their condition numbers, then the scalars).
#include <optional>
#include <string>
#include <vector>

#include "pipeline/truth_memo.hpp"

namespace npde {

class TruthCache : public TruthMemo {
 public:
  explicit TruthCache(std::string directory) : directory_(std::move(directory)) {}

  std::optional<TruthTrajectory> find(const TruthTrajectoryKey& key) override;
  void keep(const TruthTrajectoryKey& key, const TruthTrajectory& value) override;
  std::optional<Spectrum> find(const TruthSpectrumKey& key) override;
  void keep(const TruthSpectrumKey& key, const Spectrum& value) override;

  // The file layer: the values kept under a key's text, or nothing (not kept yet, or damaged:
  // counted in `damaged`).
  std::optional<std::vector<double>> find_values(const std::string& key);
  void keep_values(const std::string& key, const std::vector<double>& values);
  // The texts of the typed keys (what their entries are found by).
  static std::string text_of(const TruthTrajectoryKey& key);
  static std::string text_of(const TruthSpectrumKey& key);

  const std::string& directory() const { return directory_; }
  std::string path_of(const std::string& key) const;

  long found = 0;    // entries used
  long kept = 0;     // entries computed and written
  long damaged = 0;  // entries that failed their checksum or named another key
  long unkept = 0;   // entries that could not be written

 private:
  std::string directory_;
};

}  // namespace npde
