#pragma once
// Small-number protection of the progress figures (GET /v1/stats): why it is built this way.
//
// The figures are asked for by region, key group, channel, day… and a county's count of
// trafficking victims reported on one day can be one woman. Hiding small counts ("<5") is
// not enough, and is undone two ways, both shown against the old code:
//   - from the totals: a hidden cell is the total minus the cells that are shown, so one
//     hidden cell takes others with it (complementary suppression) — which holds for one table
//     only, not across every table a caller can ask for;
//   - by differencing: two windows that differ by one day (or one millisecond) subtract to
//     that day's count exactly, whatever either window hides or shows.
// Whole days alone change nothing against the second: [1 Nov, 20 Nov] minus [1 Nov, 19 Nov]
// is still 20 November's count.
//
// So the figures are perturbed, in the manner of the Australian Bureau of Statistics'
// cell-key method (ABS TableBuilder; Fraser & Wooton 2005, Thompson et al. 2013): every
// record (clue, ticket, aid measure) has a secret pseudo-random 64-bit key, the key of a set
// of records is the sum of theirs, and the small integer added to a count is drawn from a
// fixed distribution by that key. The same records always give the same noise, so asking
// again — or asking for the same records through another table, another region filter or
// another grouping — gives the same number and cannot be averaged; a different set of
// records gets unrelated noise, so subtracting two sets leaves the difference *and* two
// noises.
//
// The ABS method perturbs each published cell once. With windows of any length that is not
// enough: the pair ([a, 20 Nov], [a, 19 Nov]) for every start a gives another estimate of 20
// November's count, each with fresh noise, and averaging a hundred such pairs removes it. So
// here the noise is not applied to the window but to the blocks of a fixed calendar hierarchy
// (domain/calendar_blocks: years, halves, quarters, months, runs of 16/8/4/2 days, days):
// each block's count in each cell is perturbed by its own records' key, and a window's
// figure is the sum of its blocks' perturbed counts. Whatever windows a caller asks for, all
// she ever receives are sums of the same perturbed blocks; subtracting two windows yields
// perturbed blocks, never a true count. The most a caller can combine for one day is one
// estimate per level of the hierarchy (nine), not one per window, and where the blocks around
// a day hold the same records — as they do in exactly the sparse cells worth protecting —
// those estimates are one and the same number. This is the same idea as the hierarchical
// (tree) mechanisms for continual counting in the differential-privacy literature, without
// the randomness: the answers are deterministic, so there is nothing to average by asking
// again.
//
// The perturbation of a block with true count n is an integer e with |e| ≤ noise, e ≥ −n
// (counts never go negative), mean exactly 0 (figures are unbiased: sums over many blocks
// drift nowhere), and 0 when n is 0 (an empty cell stays empty: ABS does the same, since the
// absence of records is not what identifies a woman). For n ≥ noise e follows the triangular
// weights noise+1−|e|; below that, the weights are cut at −n and the lost mean is given back
// by putting more weight on −n, so a small count is often published as 0 — which is what
// makes "there was one" uncertain. Amounts (yuan of judicial assistance) follow their count:
// a block's sum is scaled by its perturbed award count over the true one (so it is unbiased,
// and 0 beside a count published as 0), then moved by up to noise × 10 % of the block's
// largest award, from the same key, so no single award can be worked out by differencing
// either (domain/stats, block_amount).
//
// After perturbation, a count from 1 to min_count − 1 is withheld (null, flagged hidden):
// at that size the noise is as large as the figure. Withholding is not what protects her —
// the noise is; the withheld number is no more than the perturbed blocks a caller could add
// up from other windows.
//
// noise = 0 turns perturbation off and publishes exact counts: hiding then only tidies the
// table, since totals and differences give hidden counts back. It is for tests and for
// figures that never leave the agencies entitled to the records.
#include <cstdint>

#include "clue_router/domain/aid_measure.hpp"

namespace clue_router::domain {

// How the figures are protected (config stats_noise, stats_min_count).
struct StatsProtection {
    int noise = 2;      // the largest change perturbation makes to one block's count; 0: exact
    int min_count = 5;  // published counts from 1 to min_count − 1 are hidden
    bool operator==(const StatsProtection&) const = default;
};

constexpr int kMaxStatsNoise = 5;

// A record's key, or a set's: the wrapping sum of its records' keys.
using CellKey = std::uint64_t;

// The change made to a block's count n whose records' key is `key`; within
// [max(-n, -noise), noise], mean 0 over keys, 0 when n or noise is 0.
std::int64_t count_perturbation(std::int64_t n, CellKey key, int noise);

// The change made to a block's total amount in fen, given its largest single amount and the
// key of the records the amounts belong to: at most noise × 10 % of `largest` either way,
// mean 0 over keys, 0 when noise is 0.
Fen amount_perturbation(Fen largest, CellKey key, int noise);

}  // namespace clue_router::domain
