#include <string>

#include <catch2/catch.hpp>

#include "clue_router/domain/text_normalizer.hpp"

using namespace clue_router::domain;

TEST_CASE("normalisation folds full-width forms, case and traditional characters",
          "[domain][normalizer]") {
    CHECK(normalize("ＨＥ　ＢＥＡＴ　ＭＥ") == "he beat me");
    CHECK(normalize("ＩＣＵ") == "icu");
    CHECK(normalize("Domestic Violence") == "domestic violence");
    CHECK(normalize("他說要殺了我，還拿著菜刀") == "他说要杀了我,还拿着菜刀");
    CHECK(normalize("傷毆離殺醫療錢無兒孫賣騙強姦騷擾視貧養礙殘術搶脅槍蹤") ==
          "伤殴离杀医疗钱无儿孙卖骗强奸骚扰视贫养碍残术抢胁枪踪");
    CHECK(
        normalize("們這個說對時會沒發經從還過給與當後來為嗎讓見問開關頭長間錯護權婦聯訴檢審賠償") ==
        "们这个说对时会没发经从还过给与当后来为吗让见问开关头长间错护权妇联诉检审赔偿");
    // Characters that are the same in both scripts stay put.
    CHECK(normalize("暴婚歧障疾癌症救勒刀跟察院庭判") == "暴婚歧障疾癌症救勒刀跟察院庭判");
    // Curly quotes and no-break spaces become ASCII.
    CHECK(normalize("can\u2019t\u00A0pay") == "can't pay");
    // Simplified text and ASCII punctuation are unchanged.
    const std::string simplified = "我丈夫经常喝酒后打我。Help!";
    CHECK(normalize(simplified) == "我丈夫经常喝酒后打我。help!");
}

TEST_CASE("invalid UTF-8 becomes U+FFFD without throwing", "[domain][normalizer]") {
    const std::string bad = std::string("a\xFF") + "b\xE4\xB8" + "c\xC0\xAF" + "\xED\xA0\x80";
    NormalizedText n;
    REQUIRE_NOTHROW(n = normalize_text(bad));
    CHECK(n.text ==
          "a\xEF\xBF\xBD"
          "b\xEF\xBF\xBD\xEF\xBF\xBD"
          "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    REQUIRE(n.origin.size() == n.text.size() + 1);
    CHECK(n.origin.back() == bad.size());
    // A truncated sequence at the very end.
    CHECK(normalize("\xE6\x9D") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    std::size_t length = 0;
    CHECK(decode_utf8("\xF0\x9F\x98\x80", 0, length) == 0x1F600);
    CHECK(length == 4);
    CHECK(decode_utf8("\xF4\x90\x80\x80", 0, length) == 0xFFFD);  // above U+10FFFF
    CHECK(length == 1);
    CHECK(decode_utf8("\xE0\x80\xAF", 0, length) == 0xFFFD);  // overlong
}

TEST_CASE("the offset map leads back to the original bytes", "[domain][normalizer]") {
    // Full-width letters are 3 bytes in the original and 1 in the normalised text;
    // traditional characters are 3 bytes in both.
    const std::string original = "Ａ說殺b";
    const auto n = normalize_text(original);
    REQUIRE(n.text == "a说杀b");
    REQUIRE(n.origin.size() == n.text.size() + 1);
    CHECK(n.original_offset(0) == 0);  // a ← Ａ
    CHECK(n.original_offset(1) == 3);  // 说 ← 說
    CHECK(n.original_offset(2) == 3);  // the middle of 说 still points at 說
    CHECK(n.original_offset(4) == 6);  // 杀 ← 殺
    CHECK(n.original_offset(7) == 9);  // b
    CHECK(n.original_offset(8) == original.size());
    // A span of the normalised text maps to the matching span of the original.
    const auto begin = n.original_offset(1);
    const auto end = n.original_offset(7);
    CHECK(original.substr(begin, end - begin) == "說殺");
    // normalize() is normalize_text() without the map.
    CHECK(normalize(original) == n.text);
    CHECK(normalize_text("").text.empty());
    CHECK(normalize_text("").origin.size() == 1);
}

TEST_CASE("normalize_code_point covers the full-width block edges", "[domain][normalizer]") {
    CHECK(normalize_code_point(0xFF01) == U'!');
    CHECK(normalize_code_point(0xFF5E) == U'~');
    CHECK(normalize_code_point(0xFF21) == U'a');  // Ａ → A → a
    CHECK(normalize_code_point(0x3000) == U' ');
    CHECK(normalize_code_point(0xFF5F) == 0xFF5F);  // just outside the block
    CHECK(normalize_code_point(U'Z') == U'z');
    CHECK(normalize_code_point(0x3002) == 0x3002);  // 。 stays (a clause break)
}
