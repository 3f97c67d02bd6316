#pragma once
// `clue-router screen FILE.jsonl`: offline evaluation of the screening criteria (issue 3).
#include <iosfwd>
#include <string>

#include "clue_router/domain/time.hpp"

namespace clue_router::app {

// Reads the criteria at `criteria_path` and each line of `jsonl_path`, shaped like the shared
// sample: {"clue": {...}, "expect": {"key_groups": [...], "urgent": bool}} (expect optional;
// blank lines skipped). Writes one JSON line per input line to `out`:
//   {"line", "reference", "key_groups": [ids], "score", "priority", "urgent",
//    "criteria_version", "reasons": [{group, score, reasons}], "urgency_reasons", "negated",
//    "weak_groups", and with an expect: "expect", "match"}
// or, for a line that is not JSON, has no clue, or whose clue fails parse_clue:
//   {"line", "error", "pointers": [...]}   (field pointers only: no values, no narrative)
// and then a summary line {"summary": {...}} with counts, per-group tp/fp/fn, precision,
// recall and F1, macro-F1 (over the groups with any expected or predicted case), exact
// matches, and urgent tp/fp/fn/tn, precision and recall. Precision with nothing predicted
// and recall with nothing expected count as 1. Bad lines are counted, not fatal.
// Returns 0, or 2 (with a message on `err`) when the criteria or the file cannot be used.
int screen_file(const std::string& criteria_path, const std::string& jsonl_path, std::ostream& out,
                std::ostream& err, domain::CivilDate today);

}  // namespace clue_router::app
