#include "clue_router/domain/text_normalizer.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace clue_router::domain {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Pairs of (traditional, simplified), sorted by the traditional code point. Only
// characters whose traditional form is not itself a common simplified character with
// another meaning are listed (乾, for instance, is left alone).
constexpr std::u32string_view kTraditionalToSimplified =
    U"並并亂乱佈布佔占併并來来侶侣係系俠侠倆俩倉仓個个們们倫伦偉伟側侧偵侦傑杰傘伞備备"
    U"傳传債债傷伤傾倾僅仅僱雇價价儀仪億亿償偿優优儲储兇凶兒儿內内兩两冊册凍冻則则剛刚"
    U"創创劃划劇剧劉刘劍剑勁劲動动務务勝胜勞劳勢势勵励勸劝匯汇區区協协卻却厭厌厲厉參参"
    U"叢丛吳吴呂吕員员問问啞哑啟启喚唤喪丧喫吃單单嗎吗嗚呜嘆叹噁恶嚇吓嚨咙嚴严囉啰囑嘱"
    U"國国圍围園园圓圆圖图團团執执堅坚報报場场塊块塗涂墊垫墜坠墮堕墳坟壓压壞坏壩坝壯壮"
    U"壺壶夠够夢梦夥伙夾夹奧奥奪夺奮奋妝妆妳你姦奸姪侄娛娱婦妇媽妈嬰婴嬸婶孫孙學学寢寝"
    U"實实寧宁審审寫写寬宽寵宠寶宝將将專专尋寻對对導导尷尴屆届屍尸屜屉層层屬属島岛峽峡"
    U"崗岗嶄崭嶺岭帥帅師师帳账帶带幣币幫帮幹干幾几庫库廁厕廂厢廚厨廟庙廠厂廢废廣广廳厅"
    U"張张強强彈弹彎弯彙汇後后徑径從从復复徵征徹彻恆恒恥耻悶闷惡恶惱恼愛爱態态慘惨慚惭"
    U"慣惯慮虑慶庆憂忧憐怜憑凭憤愤憶忆懇恳應应懲惩懶懒懷怀懸悬懼惧戀恋戰战戲戏戶户拋抛"
    U"挾挟捨舍捱挨捲卷掃扫掙挣掛挂採采揚扬換换揮挥損损搖摇搗捣搶抢摟搂撐撑撥拨撫抚撲扑"
    U"擁拥擄掳擇择擊击擋挡擔担據据擠挤擬拟擴扩擺摆擾扰攆撵攔拦攙搀攜携攝摄攤摊敗败敵敌"
    U"數数斂敛斷断於于時时晉晋晝昼暈晕暫暂曆历曉晓曬晒書书會会東东條条棄弃楊杨業业極极"
    U"構构槍枪槓杠樁桩樂乐樓楼標标樣样樹树橋桥機机橫横檔档檢检權权歐欧歡欢歲岁歷历歸归"
    U"殘残殯殡殺杀殼壳毀毁毆殴氣气決决沒没況况淚泪淨净淺浅減减測测渾浑湯汤準准溝沟溫温"
    U"滅灭滙汇滯滞滿满漢汉漲涨潑泼潔洁濃浓濕湿濟济濫滥瀉泻灑洒灘滩灣湾災灾為为烏乌無无"
    U"煉炼煙烟煩烦熱热燈灯燒烧營营爐炉爛烂爭争爲为爺爷爾尔牆墙牠它牽牵犧牺狀状狹狭猶犹"
    U"獄狱獎奖獨独獲获獵猎獸兽獻献現现瑪玛環环產产畢毕畫画異异當当疊叠瘋疯瘍疡瘓痪瘡疮"
    U"療疗癇痫癒愈癡痴癢痒癥症癮瘾癱瘫癲癫發发皺皱盜盗盞盏盡尽監监盤盘眾众睏困睜睁瞞瞒"
    U"矯矫確确碼码磚砖礎础礙碍礦矿禍祸禮礼禿秃稅税種种稱称穀谷積积穩稳窩窝窮穷竄窜竊窃"
    U"競竞筆笔節节範范築筑簡简簽签籃篮籠笼糧粮糾纠紀纪約约紅红紙纸級级紛纷紮扎細细紹绍"
    U"終终組组絆绊結结絕绝絡络給给統统絲丝綁绑經经綜综綠绿維维綱纲網网緊紧緒绪線线緣缘"
    U"編编緩缓練练縣县縫缝縮缩總总績绩織织繩绳繫系繳缴繼继續续纏缠罰罚罵骂罷罢羅罗羨羡"
    U"義义習习聖圣聞闻聯联聲声聳耸職职聽听聾聋肅肃脅胁脈脉脫脱腎肾腦脑腫肿腳脚腸肠膚肤"
    U"膠胶膩腻膽胆膿脓臉脸臟脏臺台與与興兴舉举舊旧艙舱艱艰荊荆莊庄莖茎華华萬万葉叶著着"
    U"葦苇蒼苍蓋盖蓮莲蔔卜蔣蒋蔥葱蕭萧薦荐藉借藍蓝藝艺藥药蘆芦蘇苏蘋苹蘭兰處处虛虚虜虏"
    U"號号虧亏蝦虾蟲虫蟻蚁衊蔑術术衛卫衝冲裊袅裏里補补裝装裡里製制複复褲裤褻亵襪袜襯衬"
    U"襲袭見见規规覓觅視视親亲覺觉覽览觀观觸触訂订計计訊讯討讨訓训託托記记訝讶訟讼訪访"
    U"設设許许訴诉診诊証证詐诈評评詞词詢询試试詩诗詭诡話话該该詳详誇夸誌志認认誕诞誘诱"
    U"語语誠诚誤误說说誰谁課课調调談谈請请諒谅論论諷讽諾诺謀谋謊谎謎谜講讲謝谢謹谨證证"
    U"譏讥識识譜谱譯译議议譴谴護护讀读變变讎仇讓让讚赞豎竖豐丰豔艳豬猪貓猫貝贝貞贞負负"
    U"財财貢贡貧贫貨货販贩貪贪責责貴贵買买貸贷費费貼贴貿贸賀贺資资賊贼賓宾賞赏賠赔賣卖"
    U"賤贱賦赋質质賬账賭赌賴赖賺赚購购賽赛贈赠贊赞贍赡贏赢贓赃贖赎趕赶趙赵趨趋跡迹踐践"
    U"蹤踪蹺跷躍跃躪躏車车軌轨軍军軟软較较載载輔辅輕轻輛辆輩辈輪轮輯辑輸输轄辖轉转轟轰"
    U"辦办辭辞辮辫辯辩農农這这連连週周進进運运過过達达違违遜逊遞递遠远適适遲迟遷迁選选"
    U"遺遗邁迈還还邊边郵邮鄉乡鄭郑鄰邻醜丑醞酝醫医醬酱釀酿釋释釘钉針针釣钓鈔钞鈴铃鉛铅"
    U"鉤钩銀银銅铜銷销鋒锋鋪铺鋼钢錄录錢钱錦锦錯错錶表鍊炼鍋锅鍛锻鍵键鍾钟鎖锁鎮镇鏈链"
    U"鏡镜鐘钟鐵铁鑑鉴鑒鉴鑰钥長长門门閃闪閉闭開开閑闲閒闲間间閣阁閥阀閱阅闆板闊阔闕阙"
    U"闖闯關关陝陕陣阵陰阴陳陈陸陆陽阳隊队階阶際际隨随險险隱隐隴陇隸隶隻只雋隽雖虽雙双"
    U"雜杂雞鸡離离難难電电霧雾靂雳靈灵靜静靦腼韌韧韓韩響响頁页頂顶項项順顺須须頌颂預预"
    U"頒颁頓顿頗颇領领頭头頰颊頸颈頻频顆颗題题額额顏颜願愿顛颠類类顧顾顫颤顯显顱颅風风"
    U"飄飘飛飞飢饥飯饭飲饮飼饲飽饱餃饺餅饼養养餓饿餘余館馆餵喂饑饥饒饶饞馋馬马馱驮駁驳"
    U"駐驻駕驾駛驶駭骇騎骑騙骗騰腾騷骚騾骡驅驱驕骄驗验驚惊驟骤驢驴髏髅髒脏體体髮发鬆松"
    U"鬍胡鬢鬓鬥斗鬧闹鬱郁魚鱼魯鲁鮮鲜鯨鲸鱉鳖鳥鸟鳳凤鴉鸦鴨鸭鴿鸽鵝鹅鶴鹤鷹鹰鹽盐麗丽"
    U"麥麦麵面麼么黃黄點点黨党黴霉鼴鼹齊齐齒齿齡龄龍龙龜龟";

static_assert(kTraditionalToSimplified.size() % 2 == 0);

constexpr bool table_is_sorted() {
    for (std::size_t i = 2; i < kTraditionalToSimplified.size(); i += 2) {
        if (kTraditionalToSimplified[i - 2] >= kTraditionalToSimplified[i]) return false;
    }
    return true;
}
static_assert(table_is_sorted(), "the traditional-to-simplified table must be sorted");

// One bit per code point of U+4E00-U+9FFF: set when the table has an entry for it, so that
// the common case (a simplified character) costs one load.
constexpr char32_t kCjkFirst = 0x4E00;
constexpr char32_t kCjkLast = 0x9FFF;
using Bitmap = std::array<std::uint64_t, (kCjkLast - kCjkFirst + 64) / 64>;
constexpr Bitmap make_bitmap() {
    Bitmap bits{};
    for (std::size_t i = 0; i < kTraditionalToSimplified.size(); i += 2) {
        const char32_t c = kTraditionalToSimplified[i];
        if (c >= kCjkFirst && c <= kCjkLast) {
            bits[(c - kCjkFirst) / 64] |= std::uint64_t{1} << ((c - kCjkFirst) % 64);
        }
    }
    return bits;
}
constexpr Bitmap kTraditional = make_bitmap();

char32_t simplify(char32_t c) {
    if (c < kCjkFirst || c > kCjkLast) return c;
    if ((kTraditional[(c - kCjkFirst) / 64] & (std::uint64_t{1} << ((c - kCjkFirst) % 64))) == 0)
        return c;
    std::size_t lo = 0;
    std::size_t hi = kTraditionalToSimplified.size() / 2;
    while (lo < hi) {
        const std::size_t mid = (lo + hi) / 2;
        const char32_t key = kTraditionalToSimplified[2 * mid];
        if (key == c) return kTraditionalToSimplified[2 * mid + 1];
        if (key < c) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return c;
}

}  // namespace

char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t& length) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char b0 = byte(pos);
    length = 1;
    if (b0 < 0x80) return b0;
    std::size_t need = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        return kReplacement;  // a continuation byte, C0/C1 or F5-FF as a lead byte
    }
    if (need >= text.size() - pos) return kReplacement;  // truncated at the end
    for (std::size_t i = 1; i <= need; ++i) {
        const unsigned char b = byte(pos + i);
        if ((b & 0xC0) != 0x80) return kReplacement;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
    length = need + 1;
    return cp;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

char32_t normalize_code_point(char32_t c) {
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
        return c;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) return normalize_code_point(c - 0xFEE0);
    switch (c) {
        case 0x3000:  // ideographic space
        case 0x00A0:  // no-break space
            return U' ';
        case 0x2018:
        case 0x2019:
            return U'\'';
        case 0x201C:
        case 0x201D:
            return U'"';
        default:
            break;
    }
    return simplify(c);
}

NormalizedText normalize_text(std::string_view original) {
    // Every code point becomes one code point of at most the same length, except an invalid
    // byte, which becomes U+FFFD (3 bytes): 3 bytes per input byte always suffice.
    NormalizedText out;
    out.text.resize(3 * original.size());
    out.origin.resize(3 * original.size() + 1);
    char* text = out.text.data();
    std::uint32_t* origin = out.origin.data();
    std::size_t n = 0;
    std::size_t pos = 0;
    while (pos < original.size()) {
        const auto b = static_cast<unsigned char>(original[pos]);
        if (b < 0x80) {  // the ASCII fast path
            text[n] = static_cast<char>(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
            origin[n++] = static_cast<std::uint32_t>(pos);
            ++pos;
            continue;
        }
        std::size_t length = 0;
        const char32_t cp = normalize_code_point(decode_utf8(original, pos, length));
        std::array<char, 4> buf{};
        std::size_t k = 0;
        if (cp < 0x80) {
            buf[k++] = static_cast<char>(cp);
        } else if (cp < 0x800) {
            buf[k++] = static_cast<char>(0xC0 | (cp >> 6));
            buf[k++] = static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf[k++] = static_cast<char>(0xE0 | (cp >> 12));
            buf[k++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            buf[k++] = static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            buf[k++] = static_cast<char>(0xF0 | (cp >> 18));
            buf[k++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            buf[k++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            buf[k++] = static_cast<char>(0x80 | (cp & 0x3F));
        }
        for (std::size_t i = 0; i < k; ++i) {
            text[n] = buf[i];
            origin[n++] = static_cast<std::uint32_t>(pos);
        }
        pos += length;
    }
    origin[n] = static_cast<std::uint32_t>(original.size());
    out.text.resize(n);
    out.origin.resize(n + 1);
    return out;
}

std::string normalize(std::string_view original) {
    std::string out;
    out.reserve(original.size());
    std::size_t pos = 0;
    while (pos < original.size()) {
        std::size_t length = 0;
        append_utf8(out, normalize_code_point(decode_utf8(original, pos, length)));
        pos += length;
    }
    return out;
}

}  // namespace clue_router::domain
