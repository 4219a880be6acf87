// How well does `npdesweep identify` name the stencil that made a dataset? For each shipped job
// (one per case), each stencil of the catalogue the case's varied term can take makes truth data
// (the job's ICs, grid, output step, horizon and adaptive integrator); the detector then sees
// them in full, shortened to a few output steps, and with Gaussian noise of a given size relative
// to max|u|. Prints a Markdown table per case: for each stencil and setting, the stencil named,
// "?" when the detector says it cannot tell (with the stencil it confuses it with), or the wrong
// name marked. scripts/identify-accuracy runs it and keeps the output in docs/findings/identify.md.
//
//   npdesweep_identify_accuracy [JOB.toml ...]     (default: the shipped jobs of every case)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "numerics/stencil.hpp"
#include "pipeline/initial_condition.hpp"
#include "pipeline/stencil_detection.hpp"
#include "pipeline/truth.hpp"
#include "input/job_file.hpp"

using namespace npde;

namespace {

struct Setting {
  std::string label;
  int steps;     // output steps kept (0: all)
  double noise;  // standard deviation relative to max|u|
};

// "yes"; "? (S, T)": it cannot tell the right stencil from S and T (all within the separation
// factor, the right one among them); "**? without it (S, T)**": undecided among stencils that
// leave the right one out; "*none fits*"; "**WRONG: S**".
std::string verdict(const StencilDetection& d, const std::string& truth) {
  if (d.named == truth) return "yes";
  if (!d.named.empty()) return "**WRONG: " + d.named + "**";
  if (d.none_fits) return "*none fits*";
  std::vector<std::string> set = d.tied;
  set.insert(set.begin(), d.best);
  const bool in = std::find(set.begin(), set.end(), truth) != set.end();
  std::string others;
  for (const std::string& s : set)
    if (s != truth) others += (others.empty() ? "" : ", ") + s;
  return in ? "? (" + others + ")" : "**? without it (" + others + ")**";
}

// The truncation fit's evidence for the data's own stencil on the full clean data: b and the
// share of the departure its leading term leaves unexplained, and any other candidate whose
// leading term fits as well (b within 0.3 of 1, no more left unexplained): the truncation fit
// alone cannot tell those from the data's stencil.
std::string truncation_evidence(const StencilDetection& d, const std::string& truth) {
  const StencilEvidence* own = nullptr;
  for (const StencilEvidence& e : d.candidates)
    if (e.stencil == truth) own = &e;
  if (!own || std::isnan(own->truncation_share)) return "-";
  std::string also;
  for (const StencilEvidence& e : d.candidates)
    if (&e != own && std::abs(e.truncation_share - 1) < 0.3 && e.truncation_residual <= own->truncation_residual * (1 + 1e-9))
      also += (also.empty() ? " (also " : ", ") + e.stencil;
  if (!also.empty()) also += ")";
  const char* weak = d.departure > 10 * d.floor ? "" : " *below floor*";
  return fmt::format("{:.2f}, {:.2g}{}{}", own->truncation_share, own->truncation_residual, also, weak);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line at a time: progress when redirected
  std::vector<std::string> jobs;
  for (int i = 1; i < argc; ++i) jobs.push_back(argv[i]);
  if (jobs.empty())
    for (const char* j : {"burgers-expt1", "gkdv-expt1", "advdiff", "kdv", "ks", "allen-cahn"})
      jobs.push_back(std::string(NPDESWEEP_SOURCE_DIR) + "/jobs/" + j + ".toml");
  const std::vector<Setting> settings = {{"all steps", 0, 0},          {"8 steps", 8, 0},
                                         {"4 steps", 4, 0},            {"2 steps", 2, 0},
                                         {"noise 1e-8", 0, 1e-8},      {"noise 1e-6", 0, 1e-6},
                                         {"noise 1e-4", 0, 1e-4},      {"noise 1e-2", 0, 1e-2}};
  std::map<std::string, int> totals;  // setting -> named right
  int datasets = 0, wrong = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& path : jobs) {
    const ExperimentSpec spec = read_job_file(path);
    std::vector<InitialCondition> ics{spec.train_ic};
    ics.insert(ics.end(), spec.test_ics.begin(), spec.test_ics.end());
    std::printf("\n### %s (%s, N = %d, dt = %g, %d output steps, %zu trajectories; the job's own stencil: %s)\n\n",
                spec.pde.name.c_str(), path.substr(path.rfind('/') + 1).c_str(), spec.pde.resolution, spec.dt,
                spec.steps, ics.size(), spec.train_stencil.c_str());
    std::printf("| made by |");
    for (const Setting& s : settings) std::printf(" %s |", s.label.c_str());
    std::printf(" truncation fit: b, unexplained |\n|---|");
    for (size_t k = 0; k <= settings.size(); ++k) std::printf("---|");
    std::printf("\n");
    for (const std::string& stencil : stencil_names()) {
      KnownTerms terms;
      try {
        terms = make_truth_terms(spec.pde, stencil);
      } catch (const std::invalid_argument&) {
        continue;  // not defined for the varied term's derivative, or wider than the grid
      }
      std::vector<Eigen::MatrixXd> data;
      bool ok = true;
      for (const InitialCondition& ic : ics) {
        const Eigen::VectorXd u0 = sample_initial_condition(ic, spec.pde.resolution, spec.pde.length);
        const TruthTrajectory t = generate_truth(terms, u0, spec.dt, spec.steps, spec.integrator, 0,
                                                 100 * std::max(1.0, u0.cwiseAbs().maxCoeff()));
        if (!t.ok) {
          ok = false;
          break;
        }
        data.push_back(t.states);
      }
      std::printf("| %s |", stencil.c_str());
      if (!ok) {  // an unstable stencil (downwind advection) blows up: no dataset to read
        for (size_t k = 0; k <= settings.size(); ++k) std::printf(" (blew up) |");
        std::printf("\n");
        continue;
      }
      double amplitude = 0;
      for (const Eigen::MatrixXd& t : data) amplitude = std::max(amplitude, t.cwiseAbs().maxCoeff());
      std::mt19937_64 random(12345);
      std::normal_distribution<double> normal;
      std::string evidence;
      for (const Setting& s : settings) {
        std::vector<Eigen::MatrixXd> seen;
        for (const Eigen::MatrixXd& t : data) {
          Eigen::MatrixXd u = s.steps > 0 ? Eigen::MatrixXd(t.leftCols(s.steps + 1)) : t;
          if (s.noise > 0)
            for (long k = 0; k < u.size(); ++k) u.data()[k] += s.noise * amplitude * normal(random);
          seen.push_back(std::move(u));
        }
        const StencilDetection d = detect_stencil(spec.pde, seen, spec.dt);
        if (s.steps == 0 && s.noise == 0) evidence = truncation_evidence(d, stencil);
        const std::string v = verdict(d, stencil);
        std::printf(" %s |", v.c_str());
        ++datasets;
        if (v == "yes") ++totals[s.label];
        if (v.rfind("**WRONG", 0) == 0) ++wrong;
      }
      std::printf(" %s |\n", evidence.c_str());
    }
  }
  std::printf("\n%d datasets read, %d named wrongly, in %.1f s.\n", datasets, wrong,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return wrong == 0 ? 0 : 1;
}
