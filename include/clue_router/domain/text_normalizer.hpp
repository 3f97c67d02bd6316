#pragma once
// Text normalisation for screening (issue 3): narratives arrive in simplified or traditional
// Chinese, with full-width Latin letters from Chinese input methods, in any letter case.
// Matching runs on a normalised copy; evidence is reported on the original, so the copy
// carries a map from each of its bytes back to the original text.
//
// The mapping is one code point to one code point (never merging or splitting characters),
// which keeps the offset map exact:
//   - invalid UTF-8: each offending byte becomes U+FFFD (never throws);
//   - full-width forms U+FF01-FF5E become ASCII U+0021-007E, the ideographic space U+3000 and
//     the no-break space U+00A0 become a space, curly quotes become straight ones;
//   - ASCII letters are lower-cased;
//   - common traditional characters become simplified (a table of several hundred, weighted
//     towards the vocabulary of violence, illness, poverty, work and the law).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clue_router::domain {

struct NormalizedText {
    std::string text;  // valid UTF-8
    // origin[i] is the byte offset in the original text of the code point that produced
    // byte i of `text`; origin[text.size()] is the original's size. A span [b, e) of `text`
    // whose ends are code-point boundaries maps back to [origin[b], origin[e]).
    std::vector<std::uint32_t> origin;

    std::size_t original_offset(std::size_t normalized_offset) const {
        return origin[normalized_offset];
    }
};

// Normalises `original` (up to 4 GiB). Pure and allocation-light: one string and one vector.
NormalizedText normalize_text(std::string_view original);

// The same normalisation without the offset map (lexicon terms, tests).
std::string normalize(std::string_view original);

// One code point's normalised form (exposed for tests).
char32_t normalize_code_point(char32_t c);

// Decodes one code point at `pos`; invalid or truncated sequences yield U+FFFD with length 1.
// Returns the code point and sets `length` to the number of bytes consumed.
char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t& length);

// Appends `c` to `out` as UTF-8.
void append_utf8(std::string& out, char32_t c);

}  // namespace clue_router::domain
