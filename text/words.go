package text

import "strings"

// Word lists the verbaliser consults. Spellings follow LibriSpeech
// transcripts ("mister", "missus", "doctor", "saint").

// abbrev is an abbreviation written with a full stop.
type abbrev struct {
	say string
	// needCap: the lower-case spelling is also an English word ("col.",
	// "gen.", "mar."), so only the capitalised form is expanded.
	needCap bool
	// beforeNumber: expanded only before a number ("No. 5", "p. 12").
	beforeNumber bool
	// final: may end a sentence ("etc.", "Inc."), so in the TTS form the
	// stop is kept as a break when the text ends there.
	final bool
	// title: a title before a name; also recognised without the stop
	// ("Mr Smith", British style) when a capitalised word follows.
	title bool
	month int // 1..12 for month abbreviations
}

var abbrevs = map[string]abbrev{
	"mr": {say: "mister", title: true}, "mrs": {say: "missus", title: true},
	"ms": {say: "miss", title: true}, "messrs": {say: "messieurs", title: true},
	"mme": {say: "madame", title: true}, "mlle": {say: "mademoiselle", title: true},
	"dr": {say: "doctor", title: true}, "st": {say: "saint", title: true},
	"prof": {say: "professor", title: true}, "gen": {say: "general", needCap: true},
	"col": {say: "colonel", needCap: true}, "capt": {say: "captain"}, "cpt": {say: "captain"},
	"lt": {say: "lieutenant"}, "sgt": {say: "sergeant"}, "cpl": {say: "corporal"},
	"maj": {say: "major", needCap: true}, "adm": {say: "admiral"}, "cmdr": {say: "commander"},
	"rev": {say: "reverend", needCap: true}, "hon": {say: "honorable", needCap: true},
	"gov": {say: "governor", needCap: true}, "sen": {say: "senator", needCap: true},
	"rep": {say: "representative", needCap: true}, "pres": {say: "president", needCap: true},
	"supt": {say: "superintendent"}, "insp": {say: "inspector"}, "det": {say: "detective", needCap: true},
	"fr": {say: "father", needCap: true}, "jr": {say: "junior", final: true},
	"sr": {say: "senior", needCap: true, final: true}, "esq": {say: "esquire", final: true},
	"bros": {say: "brothers", final: true}, "co": {say: "company", needCap: true, final: true},
	"corp": {say: "corporation", needCap: true, final: true}, "inc": {say: "incorporated", final: true},
	"ltd": {say: "limited", final: true}, "vs": {say: "versus"}, "etc": {say: "et cetera", final: true},
	"approx": {say: "approximately"}, "dept": {say: "department", final: true},
	"univ": {say: "university", final: true}, "assn": {say: "association", final: true},
	"ave": {say: "avenue", needCap: true, final: true}, "rd": {say: "road", needCap: true, final: true},
	"blvd": {say: "boulevard", final: true}, "ln": {say: "lane", needCap: true, final: true},
	"hwy": {say: "highway", final: true}, "mt": {say: "mount", needCap: true},
	"ft": {say: "fort", needCap: true}, "sq": {say: "square", needCap: true, final: true},
	"no": {say: "number", beforeNumber: true}, "nos": {say: "numbers", beforeNumber: true},
	"vol": {say: "volume"}, "vols": {say: "volumes"}, "ch": {say: "chapter", needCap: true},
	"chap": {say: "chapter", needCap: true}, "p": {say: "page", beforeNumber: true},
	"pp": {say: "pages", beforeNumber: true}, "fig": {say: "figure", needCap: true},
	"figs": {say: "figures", needCap: true}, "viz": {say: "namely"}, "cf": {say: "compare"},
	"ca": {say: "circa", beforeNumber: true}, "pt": {say: "part", needCap: true},
	"jan": {say: "january", needCap: true, month: 1}, "feb": {say: "february", needCap: true, month: 2},
	"mar": {say: "march", needCap: true, month: 3}, "apr": {say: "april", needCap: true, month: 4},
	"jun": {say: "june", needCap: true, month: 6}, "jul": {say: "july", needCap: true, month: 7},
	"aug": {say: "august", needCap: true, month: 8}, "sep": {say: "september", needCap: true, month: 9},
	"sept": {say: "september", needCap: true, month: 9}, "oct": {say: "october", needCap: true, month: 10},
	"nov": {say: "november", needCap: true, month: 11}, "dec": {say: "december", needCap: true, month: 12},
}

// dottedAbbrevs are abbreviations written with inner stops; any other
// dotted form ("U.S.A.", "Ph.D.") is spelled letter by letter.
var dottedAbbrevs = map[string]string{
	"e.g.": "for example", "i.e.": "that is", "a.m.": "a m", "p.m.": "p m",
	"viz.": "namely", "et.al.": "et al", "n.b.": "note", "q.v.": "which see",
}

var monthNames = [...]string{"", "january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"}

// monthIndex returns 1..12 for a full month name written with a capital.
func monthIndex(w string) int {
	if len(w) < 3 || !isUpper(w[0]) {
		return 0
	}
	l := strings.ToLower(w)
	for i := 1; i < len(monthNames); i++ {
		if monthNames[i] == l {
			return i
		}
	}
	return 0
}

// titleWords take a cardinal Roman numeral after them ("Chapter IV",
// "World War II").
var titleWords = map[string]struct{}{
	"chapter": {}, "book": {}, "part": {}, "volume": {}, "act": {}, "scene": {}, "canto": {},
	"psalm": {}, "article": {}, "appendix": {}, "section": {}, "stave": {}, "lesson": {},
	"lecture": {}, "epistle": {}, "war": {}, "plate": {}, "vol": {}, "chap": {}, "ch": {},
	"phase": {}, "class": {}, "type": {}, "op": {}, "opus": {},
}

// regnalNames take an ordinal Roman numeral with "the" ("Henry VIII" is
// "henry the eighth"), even a one-letter one ("Charles I").
var regnalNames = map[string]struct{}{
	"henry": {}, "edward": {}, "george": {}, "william": {}, "richard": {}, "james": {}, "charles": {},
	"john": {}, "louis": {}, "philip": {}, "elizabeth": {}, "mary": {}, "anne": {}, "victoria": {},
	"peter": {}, "paul": {}, "pius": {}, "leo": {}, "gregory": {}, "benedict": {}, "innocent": {},
	"clement": {}, "urban": {}, "boniface": {}, "alexander": {}, "frederick": {}, "napoleon": {},
	"ferdinand": {}, "francis": {}, "rudolph": {}, "otto": {}, "gustavus": {}, "christian": {},
	"alfonso": {}, "pedro": {}, "juan": {}, "carlos": {}, "felipe": {}, "umberto": {}, "victor": {},
	"emmanuel": {}, "nicholas": {}, "ivan": {}, "catherine": {}, "constantine": {}, "ptolemy": {},
	"ramses": {}, "rameses": {}, "amenhotep": {}, "thutmose": {}, "darius": {}, "xerxes": {},
	"antiochus": {}, "herod": {}, "olaf": {}, "magnus": {}, "eric": {}, "harald": {}, "wilhelm": {},
	"ludwig": {}, "maximilian": {}, "leopold": {}, "joseph": {}, "franz": {}, "karl": {},
	"friedrich": {}, "heinrich": {}, "ethelred": {}, "harold": {}, "malcolm": {}, "robert": {},
	"david": {}, "stephen": {}, "sixtus": {}, "julius": {}, "adrian": {}, "martin": {}, "eugene": {},
	"celestine": {}, "honorius": {}, "philippe": {}, "sancho": {}, "haakon": {}, "gustav": {},
	"cosimo": {}, "lorenzo": {}, "sigismund": {}, "casimir": {}, "stanislaus": {}, "andrew": {},
}

// commonShort are English words of two or three letters. Written in
// capitals inside mixed-case text they are emphasis, not initialisms
// ("he said NO", "it was HIS"). "US" is left out on purpose: alone in
// capitals it is almost always the country.
var commonShort = map[string]struct{}{}

func init() {
	for _, w := range strings.Fields(`a i ad ah am an as at aw ax ay be by do eh go ha he hi ho if in is it
	lo ma me my no of oh ok on or ow ox oy pa so to uh um up we ye yo
	ace act add ado age ago aid ail aim air ale all and ant any ape apt arc are ark arm art ash ask ate awe
	axe aye bad bag ban bar bat bay bed bee beg bet bid big bin bit boa bob bog boo bow box boy bud bug bun
	bus but buy bye cab cad can cap car cat cob cod cog con coo cop cot cow coy cry cub cud cue cup cur cut
	dab dad dam day den dew did die dig dim din dip doe dog don dot dry dub dud due dug dun duo dye ear eat
	ebb eel egg ego elf elk elm emu end eon era ere eve ewe eye fad fag fan far fat fax fed fee fen few fib
	fig fin fir fit fix flu fly foe fog for fox fry fun fur gag gal gap gas gay gel gem get gig gin god got
	gum gun gut guy gym had hag ham has hat hay hem hen her hew hey hid him hip his hit hob hoe hog hop hot
	how hub hue hug huh hum hut ice icy ill imp ink inn ion ire irk its ivy jab jag jam jar jaw jay jet jig
	job jog jot joy jug jut keg ken key kid kin kit lab lad lag lap law lax lay lea led leg let lid lie lip
	lit lob log lot low lug mad man map mar mat maw may men met mew mid mix mob mod mom moo mop mow mud mug
	mum nab nag nap nay net new nib nil nip nit nod nor not now nub nun nut oaf oak oar oat odd ode off oft
	ohm oil old one opt orb ore our out owe owl own pad pal pan pap par pat paw pay pea peg pen pep per pet
	pew pie pig pin pit ply pod pop pot pow pro pry pub pug pun pup pus put rag ram ran rap rat raw ray red
	rib rid rig rim rip rob rod roe rot row rub rug rum run rut rye sac sad sag sap sat saw say sea see set
	sew sex she shy sin sip sir sis sit six ski sky sly sob sod son sop sot sow soy spa spy sty sub sue sum
	sun sup tab tad tag tan tap tar tat tax tea tee ten the thy tic tie tin tip toe tom ton too top tor tot
	tow toy try tub tug two urn use van vat vet vex via vie vim vow wad wag war was wax way web wed wee wet
	who why wig win wit woe wok won woo wow yak yam yap yaw yea yen yes yet yew yon you zap zen zip zoo`) {
		commonShort[w] = struct{}{}
	}
}

// acronyms are capitalised words read as words although the pronounceability
// test below would spell them, or spelled although it would read them.
var acronyms = map[string]bool{ // true: read as a word
	"nasa": true, "nato": true, "opec": true, "aids": true, "laser": true, "radar": true,
	"scuba": true, "sonar": true, "unesco": true, "unicef": true, "fifa": true, "nafta": true,
	"nasdaq": true, "osha": true, "fema": true, "darpa": true, "ikea": true, "covid": true,
	"sars": true, "swat": true, "gif": true, "pin": true, "ram": true, "rom": true, "sim": true,
	"cad": true, "zip": true, "ascii": true, "wasp": true, "anzac": true, "qantas": true,
	"interpol": true, "benelux": true, "unix": true, "json": true, "yaml": true,
	"ucla": false, "usda": false, "ieee": false, "iso": false, "nyse": false, "bbc": false,
	"usa": false, "ussr": false, "nypd": false, "cia": false, "fbi": false, "ibm": false,
}

// validOnsets are the consonant clusters an English word may begin with.
var validOnsets = map[string]struct{}{
	"": {}, "bl": {}, "br": {}, "ch": {}, "chr": {}, "cl": {}, "cr": {}, "dr": {}, "dw": {}, "fl": {}, "fr": {},
	"gl": {}, "gr": {}, "gn": {}, "kn": {}, "kl": {}, "kr": {}, "ph": {}, "pl": {}, "pr": {}, "ps": {},
	"qu": {}, "sc": {}, "sch": {}, "scr": {}, "sh": {}, "shr": {}, "sk": {}, "sl": {}, "sm": {}, "sn": {},
	"sp": {}, "sph": {}, "spl": {}, "spr": {}, "st": {}, "str": {}, "sw": {}, "th": {}, "thr": {},
	"tr": {}, "tw": {}, "wh": {}, "wr": {}, "squ": {}, "sq": {},
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// pronounceable guesses whether a lower-case letter string reads as a word
// (NASA, NATO) rather than letter by letter (FBI, HTML): it needs a vowel,
// an English onset, no run of more than three consonants, and a final
// cluster of at most two consonants that English allows.
func pronounceable(w string) bool {
	if len(w) < 4 {
		return false
	}
	first := -1
	for i := 0; i < len(w); i++ {
		if isVowel(w[i]) && !(i == 0 && w[i] == 'y') {
			first = i
			break
		}
	}
	if first < 0 {
		return false
	}
	if len(w[:first]) > 1 {
		if _, ok := validOnsets[w[:first]]; !ok {
			return false
		}
	} else if first == 1 && w[0] == 'q' {
		return false
	}
	run := 0
	for i := first; i < len(w); i++ {
		if isVowel(w[i]) {
			run = 0
			continue
		}
		run++
		if run > 3 {
			return false
		}
	}
	last := len(w)
	for last > 0 && !isVowel(w[last-1]) {
		last--
	}
	switch coda := w[last:]; len(coda) {
	case 0, 1:
		return true
	case 2:
		return strings.Contains(" ck ct ft ld lf lk lm lp lt mb mp nd ng nk ns nt pt rb rd rf rg rk rl rm rn rp rs rt sh sk sp st th ts ch gh ph wn ws ls ms ds ks ps ll ss ff hn wl rr nn tt mn gn lch wk ", " "+coda+" ")
	case 3:
		return strings.Contains(" nds nts ngs rst rds rts lds lts sts cks tch ght nch rch rth rms rns lms nth lth mps nks ", " "+coda+" ")
	}
	return false
}

// unit is a measurement unit after a number.
type unit struct{ one, many string }

// units are matched case-sensitively ("mm" is millimeter, "MB" megabyte).
// "in" and "a" are left out: after a number they are usually words.
var units = map[string]unit{
	"mm": {"millimeter", "millimeters"}, "cm": {"centimeter", "centimeters"}, "m": {"meter", "meters"},
	"km": {"kilometer", "kilometers"}, "ft": {"foot", "feet"}, "yd": {"yard", "yards"},
	"yds": {"yard", "yards"}, "mi": {"mile", "miles"}, "mg": {"milligram", "milligrams"},
	"g": {"gram", "grams"}, "kg": {"kilogram", "kilograms"}, "lb": {"pound", "pounds"},
	"lbs": {"pound", "pounds"}, "oz": {"ounce", "ounces"}, "ml": {"milliliter", "milliliters"},
	"mL": {"milliliter", "milliliters"}, "l": {"liter", "liters"}, "L": {"liter", "liters"},
	"gal": {"gallon", "gallons"}, "mph": {"mile per hour", "miles per hour"},
	"kph": {"kilometer per hour", "kilometers per hour"}, "km/h": {"kilometer per hour", "kilometers per hour"},
	"ms": {"millisecond", "milliseconds"}, "sec": {"second", "seconds"}, "secs": {"second", "seconds"},
	"min": {"minute", "minutes"}, "mins": {"minute", "minutes"}, "hr": {"hour", "hours"},
	"hrs": {"hour", "hours"}, "yr": {"year", "years"}, "yrs": {"year", "years"},
	"Hz": {"hertz", "hertz"}, "kHz": {"kilohertz", "kilohertz"}, "MHz": {"megahertz", "megahertz"},
	"GHz": {"gigahertz", "gigahertz"}, "KB": {"kilobyte", "kilobytes"}, "kB": {"kilobyte", "kilobytes"},
	"MB": {"megabyte", "megabytes"}, "GB": {"gigabyte", "gigabytes"}, "TB": {"terabyte", "terabytes"},
	"Mbps": {"megabit per second", "megabits per second"}, "kbps": {"kilobit per second", "kilobits per second"},
	"W": {"watt", "watts"}, "kW": {"kilowatt", "kilowatts"}, "MW": {"megawatt", "megawatts"},
	"kWh": {"kilowatt hour", "kilowatt hours"}, "V": {"volt", "volts"}, "mV": {"millivolt", "millivolts"},
	"mA": {"milliamp", "milliamps"}, "mAh": {"milliamp hour", "milliamp hours"},
	"dB": {"decibel", "decibels"}, "sq ft": {"square foot", "square feet"},
	"x": {"times", "times"},
}

// scaleSuffix are the multipliers written after amounts ("$5k", "$2 bn").
var scaleSuffix = map[string]string{
	"k": "thousand", "K": "thousand", "bn": "billion", "mn": "million", "M": "million",
	"thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion",
}

// currency names for the symbols fold marks.
type currency struct{ one, many, subOne, subMany string }

var currencies = map[byte]currency{
	'$':        {"dollar", "dollars", "cent", "cents"},
	markPound:  {"pound", "pounds", "penny", "pence"},
	markEuro:   {"euro", "euros", "cent", "cents"},
	markYen:    {"yen", "yen", "", ""},
	markRupee:  {"rupee", "rupees", "paisa", "paise"},
	markCent:   {"cent", "cents", "", ""},
	markDegree: {"degree", "degrees", "", ""},
}
