#include "sasmlm/data/synth_lexicon.h"

#include <cstring>

#include "sasmlm/core/error.h"

namespace sasmlm::synth {
namespace {

constexpr Gender M = Gender::kMasc;
constexpr Gender F = Gender::kFem;
constexpr Gender N = Gender::kNone;
constexpr uint16_t kH = kHuman, kA = kAnimal, kT = kThing, kP = kPlace, kE = kEvent, kF = kFood, kC = kContent,
                   kFu = kFurniture, kRel = kRelational, kOcc = kOccupation, kIm = kImage;

// singular, plural, classes, gender, irregular, invariant
const Noun kNouns[] = {
    {"man", "men", kH, M, true, false},             {"woman", "women", kH, F, true, false},
    {"boy", "boys", kH, M, false, false},           {"girl", "girls", kH, F, false, false},
    {"gentleman", "gentlemen", kH, M, true, false}, {"lady", "ladies", kH, F, false, false},
    {"king", "kings", kH | kRel, M, false, false},  {"queen", "queens", kH | kRel, F, false, false},
    {"prince", "princes", kH | kRel, M, false, false}, {"princess", "princesses", kH | kRel, F, false, false},
    {"father", "fathers", kH | kRel, M, false, false}, {"mother", "mothers", kH | kRel, F, false, false},
    {"brother", "brothers", kH | kRel, M, false, false}, {"sister", "sisters", kH | kRel, F, false, false},
    {"son", "sons", kH | kRel, M, false, false},    {"daughter", "daughters", kH | kRel, F, false, false},
    {"uncle", "uncles", kH | kRel, M, false, false}, {"aunt", "aunts", kH | kRel, F, false, false},
    {"husband", "husbands", kH | kRel, M, false, false}, {"wife", "wives", kH | kRel, F, true, false},
    {"policeman", "policemen", kH, M, true, false}, {"fireman", "firemen", kH, M, true, false},
    {"child", "children", kH, N, true, false},      {"person", "people", kH, N, true, false},
    {"baby", "babies", kH, N, false, false},        {"teacher", "teachers", kH | kOcc, N, false, false},
    {"doctor", "doctors", kH | kOcc, N, false, false}, {"student", "students", kH | kOcc, N, false, false},
    {"farmer", "farmers", kH | kOcc, N, false, false}, {"nurse", "nurses", kH | kOcc, N, false, false},
    {"lawyer", "lawyers", kH | kOcc, N, false, false}, {"pilot", "pilots", kH | kOcc, N, false, false},
    {"author", "authors", kH | kOcc, N, false, false}, {"artist", "artists", kH | kOcc, N, false, false},
    {"singer", "singers", kH | kOcc, N, false, false}, {"dancer", "dancers", kH | kOcc, N, false, false},
    {"baker", "bakers", kH | kOcc, N, false, false}, {"scientist", "scientists", kH | kOcc, N, false, false},
    {"driver", "drivers", kH | kOcc, N, false, false}, {"officer", "officers", kH | kOcc, N, false, false},
    {"engineer", "engineers", kH | kOcc, N, false, false}, {"neighbor", "neighbors", kH | kRel, N, false, false},
    {"friend", "friends", kH | kRel, N, false, false}, {"guest", "guests", kH, N, false, false},
    {"customer", "customers", kH, N, false, false}, {"stranger", "strangers", kH, N, false, false},
    {"dog", "dogs", kA, N, false, false},           {"cat", "cats", kA, N, false, false},
    {"horse", "horses", kA, N, false, false},       {"bird", "birds", kA, N, false, false},
    {"rabbit", "rabbits", kA, N, false, false},     {"lion", "lions", kA, N, false, false},
    {"bear", "bears", kA, N, false, false},         {"cow", "cows", kA, N, false, false},
    {"duck", "ducks", kA, N, false, false},         {"monkey", "monkeys", kA, N, false, false},
    {"elephant", "elephants", kA, N, false, false}, {"fox", "foxes", kA, N, false, false},
    {"mouse", "mice", kA, N, true, false},          {"goose", "geese", kA, N, true, false},
    {"ox", "oxen", kA, N, true, false},             {"wolf", "wolves", kA, N, true, false},
    {"sheep", "sheep", kA, N, true, true},
    {"key", "keys", kT, N, false, false},           {"book", "books", kT | kC, N, false, false},
    {"letter", "letters", kT | kC, N, false, false}, {"box", "boxes", kT | kFu, N, false, false},
    {"bottle", "bottles", kT, N, false, false},     {"cup", "cups", kT, N, false, false},
    {"chair", "chairs", kT | kFu, N, false, false}, {"table", "tables", kT | kFu, N, false, false},
    {"desk", "desks", kT | kFu, N, false, false},   {"bed", "beds", kT | kFu, N, false, false},
    {"shelf", "shelves", kT | kFu, N, true, false}, {"door", "doors", kT, N, false, false},
    {"window", "windows", kT, N, false, false},     {"picture", "pictures", kT | kIm, N, false, false},
    {"photo", "photos", kT | kIm, N, false, false},  {"hat", "hats", kT, N, false, false},
    {"coat", "coats", kT, N, false, false},         {"shoe", "shoes", kT, N, false, false},
    {"ball", "balls", kT, N, false, false},         {"knife", "knives", kT, N, true, false},
    {"bag", "bags", kT, N, false, false},           {"lamp", "lamps", kT, N, false, false},
    {"clock", "clocks", kT, N, false, false},       {"phone", "phones", kT, N, false, false},
    {"umbrella", "umbrellas", kT, N, false, false}, {"toy", "toys", kT, N, false, false},
    {"car", "cars", kT, N, false, false},           {"radio", "radios", kT, N, false, false},
    {"story", "stories", kC, N, false, false}, {"report", "reports", kC, N, false, false},
    {"song", "songs", kC, N, false, false},    {"poem", "poems", kC, N, false, false},
    {"map", "maps", kT | kIm, N, false, false},      {"leaf", "leaves", kT, N, true, false},
    {"tooth", "teeth", kT, N, true, false},         {"cactus", "cacti", kT, N, true, false},
    {"analysis", "analyses", kC, N, true, false}, {"thesis", "theses", kC, N, true, false},
    {"garden", "gardens", kP, N, false, false},     {"kitchen", "kitchens", kP, N, false, false},
    {"park", "parks", kP, N, false, false},         {"house", "houses", kP, N, false, false},
    {"city", "cities", kP, N, false, false},        {"library", "libraries", kP, N, false, false},
    {"school", "schools", kP, N, false, false},     {"office", "offices", kP, N, false, false},
    {"room", "rooms", kP, N, false, false},         {"forest", "forests", kP, N, false, false},
    {"village", "villages", kP, N, false, false},   {"church", "churches", kP, N, false, false},
    {"museum", "museums", kP, N, false, false},     {"hospital", "hospitals", kP, N, false, false},
    {"shop", "shops", kP, N, false, false},         {"station", "stations", kP, N, false, false},
    {"town", "towns", kP, N, false, false},
    {"party", "parties", kE, N, false, false},      {"meeting", "meetings", kE, N, false, false},
    {"concert", "concerts", kE, N, false, false},   {"dinner", "dinners", kE, N, false, false},
    {"game", "games", kE, N, false, false},         {"storm", "storms", kE, N, false, false},
    {"wedding", "weddings", kE, N, false, false},   {"lecture", "lectures", kE, N, false, false},
    {"trip", "trips", kE, N, false, false},
    {"apple", "apples", kF, N, false, false},       {"cake", "cakes", kF, N, false, false},
    {"sandwich", "sandwiches", kF, N, false, false}, {"cookie", "cookies", kF, N, false, false},
    {"orange", "oranges", kF, N, false, false},     {"egg", "eggs", kF, N, false, false},
    {"potato", "potatoes", kF, N, false, false},    {"tomato", "tomatoes", kF, N, false, false},
    {"pie", "pies", kF, N, false, false},           {"banana", "bananas", kF, N, false, false},
};

const Name kNames[] = {
    {"John", M},  {"Mary", F},   {"David", M},  {"Sarah", F}, {"Michael", M}, {"Emma", F},
    {"James", M}, {"Anna", F},   {"Robert", M}, {"Laura", F}, {"Peter", M},   {"Susan", F},
    {"Thomas", M}, {"Alice", F}, {"Daniel", M}, {"Rachel", F}, {"Paul", M},   {"Helen", F},
};

constexpr uint16_t kIn = kIntransitive, kTr = kTransitive, kNeed = kNeedsObject, kNo = kNoObject,
                   kCl = kClause, kInf = kInfinitive, kRe = kReflexive, kSt = kStative;
constexpr uint16_t kAnim = kAnimate, kAll = kAnyClass;

// base, 3sg, past, participle, gerund, subjects, objects, frames
const Verb kVerbs[] = {
    {"sleep", "sleeps", "slept", "slept", "sleeping", kAnim, 0, kIn | kNo},
    {"laugh", "laughs", "laughed", "laughed", "laughing", kH, 0, kIn | kNo},
    {"smile", "smiles", "smiled", "smiled", "smiling", kH, 0, kIn | kNo},
    {"arrive", "arrives", "arrived", "arrived", "arriving", kAnim | kE | kC, 0, kIn | kNo},
    {"fall", "falls", "fell", "fallen", "falling", kAnim | kT | kF, 0, kIn | kNo},
    {"disappear", "disappears", "disappeared", "disappeared", "disappearing", kAnim | kT | kF, 0, kIn | kNo},
    {"complain", "complains", "complained", "complained", "complaining", kH, 0, kIn | kNo},
    {"yawn", "yawns", "yawned", "yawned", "yawning", kAnim, 0, kIn | kNo},
    {"sneeze", "sneezes", "sneezed", "sneezed", "sneezing", kAnim, 0, kIn | kNo},
    {"happen", "happens", "happened", "happened", "happening", kE, 0, kIn | kNo},
    {"cry", "cries", "cried", "cried", "crying", kAnim, 0, kIn},
    {"wait", "waits", "waited", "waited", "waiting", kAnim, 0, kIn},
    {"run", "runs", "ran", "run", "running", kAnim, 0, kIn},
    {"swim", "swims", "swam", "swum", "swimming", kAnim, 0, kIn},
    {"dance", "dances", "danced", "danced", "dancing", kH, 0, kIn},
    {"work", "works", "worked", "worked", "working", kH, 0, kIn},
    {"sit", "sits", "sat", "sat", "sitting", kAnim, 0, kIn},
    {"rest", "rests", "rested", "rested", "resting", kAnim, 0, kIn},
    {"sing", "sings", "sang", "sung", "singing", kAnim, 0, kIn},
    {"speak", "speaks", "spoke", "spoken", "speaking", kH, 0, kIn},
    {"fly", "flies", "flew", "flown", "flying", kAnim, 0, kIn},
    {"grow", "grows", "grew", "grown", "growing", kAnim, 0, kIn},
    {"begin", "begins", "began", "begun", "beginning", kE, 0, kIn},
    {"begin", "begins", "began", "begun", "beginning", kAnim, 0, kInf},
    {"end", "ends", "ended", "ended", "ending", kE, 0, kIn},
    {"see", "sees", "saw", "seen", "seeing", kAnim, kAll & ~kC, kTr | kRe | kSt},
    {"find", "finds", "found", "found", "finding", kAnim, kAnim | kT | kF, kTr | kNeed | kRe},
    {"like", "likes", "liked", "liked", "liking", kAnim, kAll, kTr | kNeed | kRe | kInf | kSt},
    {"admire", "admires", "admired", "admired", "admiring", kH, kAnim | kT | kP | kC, kTr | kNeed | kRe},
    {"hate", "hates", "hated", "hated", "hating", kAnim, kAll, kTr | kNeed | kRe | kSt},
    {"visit", "visits", "visited", "visited", "visiting", kH, kH | kP, kTr},
    {"help", "helps", "helped", "helped", "helping", kAnim, kAnim, kTr | kIn | kRe},
    {"carry", "carries", "carried", "carried", "carrying", kAnim, kAnim | kT | kF, kTr | kNeed},
    {"break", "breaks", "broke", "broken", "breaking", kAnim, kT, kTr},
    {"hide", "hides", "hid", "hidden", "hiding", kAnim, kAnim | kT | kF, kTr | kIn | kRe},
    {"steal", "steals", "stole", "stolen", "stealing", kH, kT | kF, kTr},
    {"take", "takes", "took", "taken", "taking", kAnim, kAnim | kT | kF, kTr | kNeed},
    {"write", "writes", "wrote", "written", "writing", kH, kC, kTr | kIn},
    {"read", "reads", "read", "read", "reading", kH, kC, kTr | kIn},
    {"eat", "eats", "ate", "eaten", "eating", kAnim, kF, kTr | kIn},
    {"describe", "describes", "described", "described", "describing", kH, kAll, kTr | kNeed | kRe},
    {"praise", "praises", "praised", "praised", "praising", kH, kAnim | kP | kE | kC, kTr | kNeed | kRe},
    {"blame", "blames", "blamed", "blamed", "blaming", kH, kAnim, kTr | kNeed | kRe},
    {"hurt", "hurts", "hurt", "hurt", "hurting", kAnim, kAnim, kTr | kRe},
    {"forget", "forgets", "forgot", "forgotten", "forgetting", kH, kAll, kTr | kIn},
    {"know", "knows", "knew", "known", "knowing", kH, kH | kP, kTr | kCl | kSt},
    {"choose", "chooses", "chose", "chosen", "choosing", kH, kAnim | kT | kF | kC, kTr | kIn},
    {"draw", "draws", "drew", "drawn", "drawing", kH, kA | kIm | kP, kTr | kIn},
    {"throw", "throws", "threw", "thrown", "throwing", kH, kT | kF, kTr},
    {"open", "opens", "opened", "opened", "opening", kH, kT, kTr},
    {"clean", "cleans", "cleaned", "cleaned", "cleaning", kH, kT | kP, kTr | kIn},
    {"wash", "washes", "washed", "washed", "washing", kH, kA | kT | kF, kTr | kIn | kRe},
    {"buy", "buys", "bought", "bought", "buying", kH, kT | kF, kTr | kNeed},
    {"sell", "sells", "sold", "sold", "selling", kH, kA | kT | kF, kTr | kIn},
    {"watch", "watches", "watched", "watched", "watching", kAnim, kAnim | kE, kTr | kIn},
    {"follow", "follows", "followed", "followed", "following", kAnim, kAnim, kTr | kIn},
    {"chase", "chases", "chased", "chased", "chasing", kAnim, kAnim, kTr},
    {"meet", "meets", "met", "met", "meeting", kH, kH, kTr},
    {"call", "calls", "called", "called", "calling", kH, kAnim, kTr | kIn},
    {"bite", "bites", "bit", "bitten", "biting", kA, kAnim | kF, kTr | kIn},
    {"feed", "feeds", "fed", "fed", "feeding", kH, kAnim, kTr},
    {"build", "builds", "built", "built", "building", kH, kT | kP, kTr | kNeed},
    {"paint", "paints", "painted", "painted", "painting", kH, kT | kP, kTr | kIn},
    {"fix", "fixes", "fixed", "fixed", "fixing", kH, kT, kTr | kNeed},
    {"cook", "cooks", "cooked", "cooked", "cooking", kH, kF, kTr | kIn},
    {"reveal", "reveals", "revealed", "revealed", "revealing", kH, kT | kC, kTr | kNeed | kRe},
    {"think", "thinks", "thought", "thought", "thinking", kH, 0, kCl},
    {"say", "says", "said", "said", "saying", kH, 0, kCl},
    {"believe", "believes", "believed", "believed", "believing", kH, kH, kTr | kCl | kSt},
    {"hope", "hopes", "hoped", "hoped", "hoping", kH, 0, kCl | kInf},
    {"claim", "claims", "claimed", "claimed", "claiming", kH, 0, kCl},
    {"notice", "notices", "noticed", "noticed", "noticing", kH, kAnim | kT | kF, kTr | kCl | kSt},
    {"want", "wants", "wanted", "wanted", "wanting", kAnim, kAnim | kT | kF, kTr | kInf | kSt},
    {"try", "tries", "tried", "tried", "trying", kAnim, 0, kInf},
    {"decide", "decides", "decided", "decided", "deciding", kH, 0, kInf},
    {"need", "needs", "needed", "needed", "needing", kAnim, kAnim | kT | kF, kTr | kInf | kSt},
    {"plan", "plans", "planned", "planned", "planning", kH, 0, kInf},
};

// form, modifiable classes, order (opinion 1, size 2, age 3, shape 4, colour 5, material 6)
const Adjective kAdjectives[] = {
    {"beautiful", kAll, 1}, {"strange", kAll, 1},   {"lovely", kAll, 1},    {"nice", kAll, 1},
    {"wonderful", kAll, 1}, {"terrible", kAll, 1},  {"famous", kH | kP | kC, 1}, {"friendly", kAnim, 1},
    {"kind", kH, 1},        {"clever", kAnim, 1},   {"brave", kAnim, 1},    {"lazy", kAnim, 1},
    {"boring", kE | kC | kH, 1}, {"delicious", kF, 1}, {"expensive", kT | kF | kE, 1}, {"cheap", kT | kF, 1},
    {"noisy", kAnim | kP | kE, 1}, {"quiet", kAnim | kP, 1}, {"busy", kH | kP, 1}, {"happy", kAnim, 1},
    {"sad", kAnim, 1},      {"angry", kAnim, 1},    {"tired", kAnim, 1},    {"hungry", kAnim, 1},
    {"empty", kT | kP, 1},  {"heavy", kA | kT, 1},  {"dark", kP, 1},        {"sweet", kF, 1},
    {"big", kA | kT | kP | kF, 2}, {"small", kA | kT | kP | kF, 2}, {"large", kA | kT | kP, 2},
    {"tiny", kA | kT | kF, 2}, {"tall", kAnim, 2},  {"long", kE | kT | kC, 2},   {"short", kH | kE | kC, 2},
    {"old", kAnim | kT | kP, 3}, {"new", kT | kP | kC, 3}, {"young", kAnim, 3}, {"ancient", kT | kP, 3},
    {"fresh", kF, 3},       {"round", kT | kF, 4},  {"red", kT | kF, 5},    {"blue", kT, 5},
    {"green", kT | kF, 5},  {"yellow", kT | kF, 5}, {"black", kA | kT, 5},  {"white", kA | kT, 5},
    {"brown", kA | kT | kF, 5}, {"wooden", kT, 6},  {"golden", kT, 6},
};

// form, lemma, number, kind, may introduce an existential pivot
const Determiner kDeterminers[] = {
    {"the", "the", Number::kAny, DeterminerKind::kArticle, false},
    {"a", "a", Number::kSing, DeterminerKind::kArticle, true},
    {"this", "this", Number::kSing, DeterminerKind::kDemonstrative, false},
    {"these", "this", Number::kPlur, DeterminerKind::kDemonstrative, false},
    {"that", "that", Number::kSing, DeterminerKind::kDemonstrative, false},
    {"those", "that", Number::kPlur, DeterminerKind::kDemonstrative, false},
    {"every", "every", Number::kSing, DeterminerKind::kQuantifier, false},
    {"each", "each", Number::kSing, DeterminerKind::kQuantifier, false},
    {"another", "another", Number::kSing, DeterminerKind::kQuantifier, true},
    {"some", "some", Number::kPlur, DeterminerKind::kQuantifier, true},
    {"no", "no", Number::kAny, DeterminerKind::kQuantifier, true},
    {"two", "two", Number::kPlur, DeterminerKind::kNumeral, true},
    {"three", "three", Number::kPlur, DeterminerKind::kNumeral, true},
    {"four", "four", Number::kPlur, DeterminerKind::kNumeral, true},
    {"five", "five", Number::kPlur, DeterminerKind::kNumeral, true},
};

const Pronoun kPronouns[] = {
    {1, false, N, "I", "me", "myself", "my"},         {2, false, N, "you", "you", "yourself", "your"},
    {3, false, M, "he", "him", "himself", "his"},     {3, false, F, "she", "her", "herself", "her"},
    {3, false, N, "it", "it", "itself", "its"},       {1, true, N, "we", "us", "ourselves", "our"},
    {2, true, N, "you", "you", "yourselves", "your"}, {3, true, N, "they", "them", "themselves", "their"},
};

// Prepositional modifiers of nouns: "the key on the table", "the friend of the king".
const PrepositionRule kNounPrepositions[] = {
    {"of", kRel, kH},          {"of", kC | kIm, kAnim | kT | kP}, {"about", kC, kAnim | kP | kE},
    {"with", kH, kA | kT},     {"from", kH, kP},            {"from", kC, kH},
    {"in", kAnim | kT, kP},    {"on", kT | kF, kFu},        {"near", kAnim | kT | kP, kP | kFu},
    {"behind", kAnim | kT, kFu | kP}, {"for", kT | kF, kH}, {"to", kC, kH},
    {"under", kA | kT, kFu},
};

// Oblique modifiers of verbs, keyed by the clause's subject: "sleeps in the garden", "laughed after the party".
const PrepositionRule kVerbPrepositions[] = {
    {"in", kAll, kP},         {"near", kAll, kP | kFu}, {"behind", kAnim | kT, kP | kFu},
    {"under", kA | kT | kF, kFu}, {"on", kT | kF, kFu},  {"before", kAnim, kE},
    {"after", kAnim, kE},     {"during", kAnim, kE},
};

// Locative predicates of the copula: "The key is under the table."
const PrepositionRule kLocativePrepositions[] = {
    {"in", kAnim | kT | kF | kE, kP}, {"near", kAll & ~kC, kP | kFu}, {"behind", kAnim | kT, kP | kFu},
    {"under", kA | kT | kF, kFu},     {"on", kT | kF, kFu},
};

const Adverb kAdverbs[] = {
    {"quickly", AdverbKind::kManner},   {"slowly", AdverbKind::kManner},     {"quietly", AdverbKind::kManner},
    {"carefully", AdverbKind::kManner}, {"happily", AdverbKind::kManner},    {"loudly", AdverbKind::kManner},
    {"often", AdverbKind::kFrequency},  {"always", AdverbKind::kFrequency},  {"never", AdverbKind::kFrequency},
    {"sometimes", AdverbKind::kFrequency}, {"rarely", AdverbKind::kFrequency}, {"usually", AdverbKind::kFrequency},
    {"very", AdverbKind::kDegree},      {"quite", AdverbKind::kDegree},      {"rather", AdverbKind::kDegree},
    {"extremely", AdverbKind::kDegree},
};

// True when `past` is the regular -ed past of `base` (e-drop, y -> ied and final-consonant doubling allowed).
bool regular_past(const std::string& base, const std::string& past) {
  if (past == base + "ed" || past == base + base.back() + "ed") return true;
  if (base.back() == 'e' && past == base + "d") return true;
  return base.back() == 'y' && past == base.substr(0, base.size() - 1) + "ied";
}

const char* gender_value(Gender g) { return g == Gender::kMasc ? "Masc" : g == Gender::kFem ? "Fem" : ""; }

// Joins key=value pairs in key order ("" values skipped), as UD FEATS requires.
std::string join_feats(const std::map<std::string, std::string>& features) {
  std::string out;
  for (const auto& [key, value] : features) {
    if (value.empty()) continue;
    if (!out.empty()) out += '|';
    out += key + "=" + value;
  }
  return out;
}

}  // namespace

const char* Verb::form(VerbSlot slot) const {
  switch (slot) {
    case VerbSlot::kBase: return base;
    case VerbSlot::kThird: return third;
    case VerbSlot::kPast: return past;
    case VerbSlot::kParticiple: return participle;
    case VerbSlot::kGerund: return gerund;
  }
  return base;
}

const char* Pronoun::lemma() const {
  if (person == 1) return plural ? "we" : "I";
  if (person == 2) return "you";
  return plural ? "they" : nominative;
}

bool Verb::irregular_participle() const { return std::strcmp(past, participle) != 0; }

std::map<std::string, std::string> WordAnalysis::features() const {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < feats.size()) {
    size_t bar = feats.find('|', start);
    if (bar == std::string::npos) bar = feats.size();
    const size_t eq = feats.find('=', start);
    SASMLM_CHECK(eq != std::string::npos && eq < bar, "malformed FEATS " + feats);
    out[feats.substr(start, eq - start)] = feats.substr(eq + 1, bar - eq - 1);
    start = bar + 1;
  }
  return out;
}

const Lexicon& Lexicon::english() {
  static const Lexicon lexicon;
  return lexicon;
}

void Lexicon::index(const std::string& form, const std::string& lemma, const std::string& upos,
                    const std::string& feats, bool irregular) {
  auto& readings = analyses_[form];
  for (const auto& r : readings) {
    if (r.lemma == lemma && r.upos == upos && r.feats == feats) return;  // "begin" has two frame entries
  }
  readings.push_back({lemma, upos, feats, irregular});
}

void Lexicon::index_verb(const Verb& v) {
  const std::string subcat = (v.frames & kNeedsObject) ? "Tran" : (v.frames & kNoObject) ? "Intr" : "";
  const bool irregular = !(std::strcmp(v.past, v.participle) == 0 && regular_past(v.base, v.past));
  auto add = [&](const char* form, std::map<std::string, std::string> f, bool irr) {
    f["Subcat"] = subcat;
    index(form, v.base, "VERB", join_feats(f), irr);
  };
  add(v.base, {{"VerbForm", "Inf"}}, false);
  for (const char* person : {"1", "2"}) {
    add(v.base, {{"Mood", "Ind"}, {"Number", "Sing"}, {"Person", person}, {"Tense", "Pres"}, {"VerbForm", "Fin"}},
        false);
  }
  for (const char* person : {"1", "2", "3"}) {
    add(v.base, {{"Mood", "Ind"}, {"Number", "Plur"}, {"Person", person}, {"Tense", "Pres"}, {"VerbForm", "Fin"}},
        false);
  }
  add(v.third, {{"Mood", "Ind"}, {"Number", "Sing"}, {"Person", "3"}, {"Tense", "Pres"}, {"VerbForm", "Fin"}}, false);
  add(v.past, {{"Mood", "Ind"}, {"Tense", "Past"}, {"VerbForm", "Fin"}}, irregular);
  add(v.participle, {{"Tense", "Past"}, {"VerbForm", "Part"}}, irregular);
  add(v.gerund, {{"Tense", "Pres"}, {"VerbForm", "Part"}}, false);
}

Lexicon::Lexicon()
    : nouns_(std::begin(kNouns), std::end(kNouns)),
      names_(std::begin(kNames), std::end(kNames)),
      verbs_(std::begin(kVerbs), std::end(kVerbs)),
      adjectives_(std::begin(kAdjectives), std::end(kAdjectives)),
      determiners_(std::begin(kDeterminers), std::end(kDeterminers)),
      pronouns_(std::begin(kPronouns), std::end(kPronouns)),
      noun_prepositions_(std::begin(kNounPrepositions), std::end(kNounPrepositions)),
      verb_prepositions_(std::begin(kVerbPrepositions), std::end(kVerbPrepositions)),
      locative_prepositions_(std::begin(kLocativePrepositions), std::end(kLocativePrepositions)),
      adverbs_(std::begin(kAdverbs), std::end(kAdverbs)) {
  for (const Noun& n : nouns_) {
    const char* g = gender_value(n.gender);
    index(n.singular, n.singular, "NOUN", join_feats({{"Gender", g}, {"Number", "Sing"}}), false);
    index(n.plural, n.singular, "NOUN", join_feats({{"Gender", g}, {"Number", "Plur"}}), n.irregular);
  }
  for (const Name& n : names_) {
    index(n.form, n.form, "PROPN", join_feats({{"Gender", gender_value(n.gender)}, {"Number", "Sing"}}));
  }
  for (const Verb& v : verbs_) index_verb(v);
  for (const Adjective& a : adjectives_) index(a.form, a.form, "ADJ", "Degree=Pos");
  for (const Determiner& d : determiners_) {
    if (d.kind == DeterminerKind::kNumeral) {
      index(d.form, d.lemma, "NUM", "NumForm=Word|NumType=Card");
    } else if (d.kind == DeterminerKind::kDemonstrative) {
      index(d.form, d.lemma, "DET", std::string("Number=") + (d.number == Number::kSing ? "Sing" : "Plur") +
                                        "|PronType=Dem");
    } else if (d.kind == DeterminerKind::kArticle) {
      const bool definite = std::strcmp(d.form, "the") == 0;
      index(d.form, d.lemma, "DET", std::string("Definite=") + (definite ? "Def" : "Ind") + "|PronType=Art");
    } else {
      const std::string form = d.form;
      const char* type = form == "no" ? "Neg" : (form == "every" || form == "each") ? "Tot" : "Ind";
      index(d.form, d.lemma, "DET", std::string("PronType=") + type);
    }
  }
  index("an", "a", "DET", "Definite=Ind|PronType=Art");
  for (const Pronoun& p : pronouns_) {
    // English "you" is unmarked for number (UD EWT leaves Number out), but its reflexive shows it.
    const std::string number = p.person == 2 ? "" : p.plural ? "Plur" : "Sing";
    std::string gender;
    if (p.person == 3 && !p.plural) gender = p.gender == Gender::kNone ? "Neut" : gender_value(p.gender);
    const std::string person = std::to_string(p.person);
    auto feats = [&](const char* grammatical_case, const std::string& num, bool possessive, bool reflexive) {
      return join_feats({{"Case", grammatical_case}, {"Gender", gender}, {"Number", num}, {"Person", person},
                         {"Poss", possessive ? "Yes" : ""}, {"PronType", "Prs"}, {"Reflex", reflexive ? "Yes" : ""}});
    };
    index(p.nominative, p.lemma(), "PRON", feats("Nom", number, false, false));
    index(p.accusative, p.lemma(), "PRON", feats("Acc", number, false, false));
    index(p.reflexive, p.lemma(), "PRON", feats("Acc", p.plural ? "Plur" : "Sing", false, true));
    index(p.possessive, p.lemma(), "PRON", feats("Gen", number, true, false));
  }
  const char* kFin = "Mood=Ind|";
  auto index_aux = [&](const char* form, const char* lemma, const std::string& feats) {
    index(form, lemma, "AUX", feats);
    if (std::strcmp(lemma, "be") == 0) index(form, lemma, "VERB", feats);  // existential "there is"
  };
  auto pres = [&](const char* number, const char* person) {
    return std::string(kFin) + "Number=" + number + "|Person=" + person + "|Tense=Pres|VerbForm=Fin";
  };
  auto past = [&](const char* number, const char* person) {
    return std::string(kFin) + "Number=" + number + "|Person=" + person + "|Tense=Past|VerbForm=Fin";
  };
  index_aux("be", "be", "VerbForm=Inf");
  index_aux("been", "be", "Tense=Past|VerbForm=Part");
  index_aux("am", "be", pres("Sing", "1"));
  index_aux("is", "be", pres("Sing", "3"));
  index_aux("are", "be", pres("Sing", "2"));
  index_aux("was", "be", past("Sing", "1"));
  index_aux("was", "be", past("Sing", "3"));
  index_aux("were", "be", past("Sing", "2"));
  for (const char* person : {"1", "2", "3"}) {
    index_aux("are", "be", pres("Plur", person));
    index_aux("were", "be", past("Plur", person));
  }
  for (const char* lemma : {"have", "do"}) {
    const char* third = lemma[0] == 'h' ? "has" : "does";
    const char* pst = lemma[0] == 'h' ? "had" : "did";
    index_aux(lemma, lemma, "VerbForm=Inf");
    index_aux(lemma, lemma, pres("Sing", "1"));
    index_aux(lemma, lemma, pres("Sing", "2"));
    for (const char* person : {"1", "2", "3"}) index_aux(lemma, lemma, pres("Plur", person));
    index_aux(third, lemma, pres("Sing", "3"));
    index_aux(pst, lemma, std::string(kFin) + "Tense=Past|VerbForm=Fin");
  }
  index_aux("had", "have", "Tense=Past|VerbForm=Part");
  for (const char* modal : {"will", "can", "should", "must", "might"}) index_aux(modal, modal, "VerbForm=Fin");
  index("not", "not", "PART", "Polarity=Neg");
  index("to", "to", "PART", "");
  index("there", "there", "PRON", "");
  index("who", "who", "PRON", "PronType=Int");
  index("who", "who", "PRON", "PronType=Rel");
  index("what", "what", "PRON", "PronType=Int");
  index("which", "which", "PRON", "PronType=Rel");
  index("that", "that", "PRON", "PronType=Rel");
  index("that", "that", "SCONJ", "");
  for (const char* c : {"and", "or", "but"}) index(c, c, "CCONJ", "");
  for (const auto* rules : {&noun_prepositions_, &verb_prepositions_, &locative_prepositions_}) {
    for (const PrepositionRule& r : *rules) index(r.form, r.form, "ADP", "");
  }
  for (const Adverb& a : adverbs_) index(a.form, a.form, "ADV", "");
  for (const char* p : {".", "?", ","}) index(p, p, "PUNCT", "");
}

const Pronoun& Lexicon::pronoun(int person, bool plural, Gender gender) const {
  for (const Pronoun& p : pronouns_) {
    if (p.person == person && p.plural == plural && (person != 3 || plural || p.gender == gender)) return p;
  }
  throw_internal(__FILE__, __LINE__, "pronoun", "no pronoun for person " + std::to_string(person));
}

std::string Lexicon::demonstrative_counterpart(const std::string& form) const {
  if (form == "this") return "these";
  if (form == "these") return "this";
  if (form == "that") return "those";
  if (form == "those") return "that";
  return "";
}

const std::vector<WordAnalysis>& Lexicon::analyze(const std::string& form) const {
  static const std::vector<WordAnalysis> kNone;
  auto it = analyses_.find(form);
  return it == analyses_.end() ? kNone : it->second;
}

const char* indefinite_article_for(const std::string& next_word) {
  if (next_word.empty()) return "a";
  std::string w = next_word;
  for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* silent_h : {"hour", "honest", "heir"}) {
    if (w.rfind(silent_h, 0) == 0) return "an";
  }
  // Vowel letters that sound like a consonant: "a university", "a European", "a one-off".
  for (const char* yod : {"uni", "use", "usu", "eu", "one"}) {
    if (w.rfind(yod, 0) == 0) return "a";
  }
  return std::strchr("aeiou", w[0]) != nullptr ? "an" : "a";
}

}  // namespace sasmlm::synth
