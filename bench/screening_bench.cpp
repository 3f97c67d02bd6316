// Screening throughput (issue 3): clues screened per second on one core with a 500-term
// lexicon and 600-character narratives, against a naive loop of std::string::find per term
// over the same (already normalised) narratives, measured in the same run.
//
//   screening_bench [criteria.json] [seconds-per-measurement]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/text_normalizer.hpp"

using namespace clue_router::domain;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kTerms = 500;
constexpr std::size_t kNarrativeChars = 600;
constexpr std::size_t kClues = 256;

// Sentences in the register of hotline notes: most carry no term, some carry one or two.
const std::vector<std::string> kSentences{
    "我丈夫经常喝酒后打我，上个月把我打成骨折，住院花了两万多。",
    "我们家是防止返贫监测户，现在没钱继续治疗。",
    "孩子今年上初中，学费还没有着落，我一个人带着他。",
    "去年被人以投资为名骗走了全部积蓄三十万，案件已经立案。",
    "老人七十八岁，独居，女儿在外地从不过问。",
    "公司以试用期不合格为由把我辞退了，我想问问怎么维权。",
    "结婚十二年，他一直对我不好，派出所出过告诫书。",
    "我想咨询一下离婚以后孩子的抚养权归谁。",
    "她被前男友打伤后颅内出血，医院说急需手术。",
    "村里的干部来看过一次，说会帮我们申请救助。",
    "Caller reports that her husband beats her regularly and she has no income.",
    "She was calm on the phone and asked for the address of the legal aid centre.",
    "今天上午十点打来电话，情绪比较稳定，希望有人能联系她。",
    "他没有打我，只是经常不回家，也不给生活费。",
    "我患尿毒症，需要每周透析三次，医保报销以后还差很多。",
    "邻居说可以找妇联帮忙，所以我打了这个电话。",
    "丈夫在工地被人故意伤害致死，凶手没有赔偿能力。",
    "前夫还是天天跟踪我，到单位闹事。",
};

std::vector<std::string> narratives(std::mt19937& rng) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < kClues; ++i) {
        std::string text;
        std::size_t chars = 0;
        while (chars < kNarrativeChars) {
            const auto& s = kSentences[rng() % kSentences.size()];
            for (std::size_t k = 0; k < s.size() && chars < kNarrativeChars; ++k) {
                text.push_back(s[k]);
                if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) ++chars;
            }
        }
        // Cut back to a whole code point.
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) {
            text.pop_back();
        }
        if (!text.empty() && static_cast<unsigned char>(text.back()) >= 0xC0) text.pop_back();
        out.push_back(std::move(text));
    }
    return out;
}

// Keeps the real criteria's first terms per set, round-robin across sets, until 500 - 100;
// then adds 100 generated filler terms (rare CJK pairs and made-up English words) to a set
// of its own. Negation, cues and indicators stay as they are.
json lexicon_of_500(const json& real, std::mt19937& rng, std::size_t& real_kept) {
    json doc = real;
    std::vector<std::pair<std::string, std::string>> sets;
    for (const auto& [group, group_sets] : real["lexicon"].items()) {
        for (const auto& [name, set] : group_sets.items()) sets.emplace_back(group, name);
    }
    for (const auto& [group, name] : sets) {
        for (const char* lang : {"zh", "en"}) {
            if (doc["lexicon"][group][name].contains(lang)) {
                doc["lexicon"][group][name][lang] = json::object();
            }
        }
    }
    real_kept = 0;
    const std::size_t want_real = kTerms - 100;
    for (std::size_t round = 0; real_kept < want_real; ++round) {
        bool any = false;
        for (const auto& [group, name] : sets) {
            for (const char* lang : {"zh", "en"}) {
                const auto& src = real["lexicon"][group][name];
                if (!src.contains(lang) || round >= src[lang].size()) continue;
                auto it = src[lang].begin();
                std::advance(it, static_cast<long>(round));
                if (real_kept < want_real) {
                    doc["lexicon"][group][name][lang][it.key()] = it.value();
                    ++real_kept;
                    any = true;
                }
            }
        }
        if (!any) break;
    }
    // Sets emptied by the cut are dropped (a set needs a term), and so are references to them.
    for (const auto& [group, name] : sets) {
        auto& set = doc["lexicon"][group][name];
        const bool empty = (!set.contains("zh") || set["zh"].empty()) &&
                           (!set.contains("en") || set["en"].empty());
        if (empty) {
            doc["lexicon"][group].erase(name);
            continue;
        }
        for (const char* lang : {"zh", "en"}) {
            if (set.contains(lang) && set[lang].empty()) set.erase(lang);
        }
    }
    for (auto& [group, group_sets] : doc["lexicon"].items()) {
        for (auto& [name, set] : group_sets.items()) {
            for (const char* field : {"requires", "urgent_when"}) {
                if (!set.contains(field)) continue;
                json kept = json::array();
                for (const auto& ref : set[field]) {
                    const std::string r = ref.get<std::string>();
                    if (r.rfind("set:", 0) == 0) {
                        const auto id = r.substr(4);
                        const auto dot = id.find('.');
                        if (!doc["lexicon"].contains(id.substr(0, dot)) ||
                            !doc["lexicon"][id.substr(0, dot)].contains(id.substr(dot + 1)))
                            continue;
                    }
                    kept.push_back(r);
                }
                if (kept.empty()) {
                    set.erase(field);
                } else {
                    set[field] = kept;
                }
            }
        }
    }
    json filler_zh = json::object();
    json filler_en = json::object();
    std::size_t made = 0;
    while (made < 100) {
        if (made % 2 == 0) {
            std::string t;
            const int len = 2 + static_cast<int>(rng() % 3);
            for (int k = 0; k < len; ++k) append_utf8(t, 0x4E00 + (rng() % 0x5000));
            if (!filler_zh.contains(t)) {
                filler_zh[t] = 10;
                ++made;
            }
        } else {
            std::string t;
            const int len = 5 + static_cast<int>(rng() % 5);
            for (int k = 0; k < len; ++k) t.push_back(static_cast<char>('a' + rng() % 26));
            if (!filler_en.contains(t)) {
                filler_en[t] = 10;
                ++made;
            }
        }
    }
    doc["lexicon"]["crime_victim"]["bench_filler"] = {{"zh", filler_zh}, {"en", filler_en}};
    doc["version"] = "bench-500";
    return doc;
}

template <class F>
double per_second(double seconds, std::size_t batch, F&& run_batch) {
    run_batch();  // warm up
    std::size_t done = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        run_batch();
        done += batch;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return static_cast<double>(done) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string path =
        argc > 1 ? argv[1] : std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json";
    const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return 2;
    }
    const json real = json::parse(in);
    std::mt19937 rng(20261120);
    std::size_t real_kept = 0;
    const json doc = lexicon_of_500(real, rng, real_kept);
    const auto criteria = parse_criteria(doc);
    if (!criteria) {
        std::fprintf(stderr, "criteria: %s\n", criteria.error().c_str());
        return 2;
    }
    const std::size_t terms = criteria->lexicon->term_count();

    std::vector<Clue> clues;
    for (auto& text : narratives(rng)) {
        Clue c;
        c.subject.sex = "female";
        c.subject.region = "511702";
        c.subject.age = 45;
        c.narrative = std::move(text);
        clues.push_back(std::move(c));
    }
    std::size_t bytes = 0;
    for (const auto& c : clues) bytes += c.narrative.size();

    // The naive baseline gets the terms already normalised and the narratives normalised
    // outside the timed loop: it only pays for searching.
    std::vector<std::string> needles;
    for (const auto& set : criteria->lexicon->sets) {
        for (const auto& t : set.terms) needles.push_back(t.normalized);
    }
    std::vector<std::string> normalised;
    for (const auto& c : clues) normalised.push_back(normalize(c.narrative));

    const CivilDate today{2026, 11, 20};
    std::size_t sink = 0;
    const double engine = per_second(seconds, clues.size(), [&] {
        for (const auto& c : clues) {
            const auto s = screen(c, *criteria, today);
            sink += static_cast<std::size_t>(s.score) + s.groups.size();
        }
    });
    const double naive = per_second(seconds, clues.size(), [&] {
        for (const auto& text : normalised) {
            for (const auto& needle : needles) {
                for (auto pos = text.find(needle); pos != std::string::npos;
                     pos = text.find(needle, pos + 1)) {
                    ++sink;
                }
            }
        }
    });

    std::printf("lexicon: %zu terms (%zu from %s, %zu generated), automaton of %s\n", terms,
                real_kept, path.c_str(), terms - real_kept, "Aho-Corasick");
    std::printf("narratives: %zu clues, %zu characters each, %.0f bytes on average\n", clues.size(),
                kNarrativeChars, static_cast<double>(bytes) / clues.size());
    std::printf("engine (normalise + match + score, full screen()): %10.0f clues/s\n", engine);
    std::printf("naive std::string::find per term (search only):    %10.0f clues/s\n", naive);
    std::printf("ratio: %.1fx\n", engine / naive);
    std::printf("(checksum %zu)\n", sink % 1000);
    return 0;
}
