package demo

import (
	"strconv"
	"strings"
)

// Word lists for people and places. People's names are common British
// first names and surnames; place names are made by joining parts, so that
// branches and councils sound plausible without naming real constituencies.

var womenFirstNames = []string{
	"Aisha", "Alice", "Amelia", "Amira", "Amy", "Angela", "Anna", "Annie", "Beth", "Bethan",
	"Caitlin", "Carol", "Catherine", "Charlotte", "Chloe", "Claire", "Deborah", "Eileen", "Eleanor", "Elizabeth",
	"Ella", "Ellie", "Emily", "Emma", "Eve", "Fatima", "Fiona", "Freya", "Gemma", "Georgia",
	"Grace", "Hannah", "Harriet", "Helen", "Holly", "Imogen", "Isla", "Jane", "Janet", "Jasmine",
	"Jennifer", "Jessica", "Joanne", "Julie", "Karen", "Kate", "Kirsty", "Laura", "Lauren", "Leah",
	"Linda", "Lucy", "Lily", "Maria", "Margaret", "Megan", "Mia", "Michelle", "Molly", "Naomi",
	"Niamh", "Nicola", "Olivia", "Patricia", "Poppy", "Priya", "Rachel", "Rebecca", "Rhian", "Rosie",
	"Ruth", "Sadia", "Samira", "Sarah", "Shabana", "Sian", "Sophie", "Susan", "Tanya", "Yasmin",
	"Zara", "Zoe", "Ayesha", "Chidinma", "Nadia", "Maryam", "Kerry", "Lorna", "Morag", "Eilidh",
}

var menFirstNames = []string{
	"Aaron", "Adam", "Ahmed", "Alan", "Alexander", "Ali", "Andrew", "Anthony", "Arjun", "Ben",
	"Callum", "Cameron", "Charlie", "Christopher", "Connor", "Craig", "Daniel", "David", "Dylan", "Edward",
	"Ethan", "Gareth", "Gary", "George", "Graham", "Hamza", "Harry", "Ian", "Ibrahim", "Isaac",
	"Jack", "Jacob", "James", "Jamie", "Jason", "John", "Jonathan", "Joseph", "Joshua", "Kevin",
	"Kwame", "Leon", "Liam", "Luke", "Mark", "Martin", "Matthew", "Michael", "Mohammed", "Neil",
	"Nathan", "Oliver", "Omar", "Owen", "Patrick", "Paul", "Peter", "Rajesh", "Rhys", "Richard",
	"Robert", "Ryan", "Samuel", "Scott", "Sean", "Simon", "Stephen", "Steven", "Stuart", "Thomas",
	"Tom", "Tyler", "Usman", "William", "Yusuf", "Dafydd", "Emeka", "Euan", "Fraser", "Hywel",
}

// neutralFirstNames are given to people whose gender is non-binary or not stated.
var neutralFirstNames = []string{
	"Alex", "Ash", "Avery", "Charlie", "Eden", "Frankie", "Jordan", "Jude", "Kai", "Morgan",
	"Riley", "Robin", "Rowan", "Sam", "Sasha", "Skye", "Taylor", "Toni",
}

var lastNames = []string{
	"Adams", "Ahmed", "Ali", "Allen", "Anderson", "Armstrong", "Atkinson", "Bailey", "Baker", "Barker",
	"Barnes", "Bell", "Bennett", "Begum", "Brown", "Butler", "Campbell", "Carter", "Chapman", "Clark",
	"Clarke", "Cole", "Collins", "Cook", "Cooper", "Cox", "Davies", "Davis", "Dixon", "Edwards",
	"Ellis", "Evans", "Fisher", "Fletcher", "Foster", "Fraser", "Gibson", "Graham", "Grant", "Gray",
	"Green", "Griffiths", "Hall", "Harris", "Harrison", "Hill", "Holmes", "Hughes", "Hunt", "Hussain",
	"Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Knight",
	"Lee", "Lewis", "Lloyd", "MacDonald", "Marshall", "Martin", "Mason", "Matthews", "Miller", "Mills",
	"Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Murray", "Nwosu", "O'Brien", "O'Neill", "Okafor",
	"Owen", "Palmer", "Parker", "Patel", "Pearson", "Phillips", "Powell", "Price", "Reid", "Richards",
	"Roberts", "Robertson", "Robinson", "Rogers", "Rose", "Russell", "Shaw", "Singh", "Smith", "Stewart",
	"Taylor", "Thomas", "Thompson", "Turner", "Walker", "Wallace", "Ward", "Watson", "Webb", "White",
	"Wilkinson", "Williams", "Wilson", "Wood", "Wright", "Young", "Mensah", "Chowdhury", "Nowak", "Kowalski",
}

// Parts of English, Scottish and Welsh place names, and the endings that
// turn a place into a constituency name.
var (
	englishPlaceStarts = []string{
		"Ash", "Ald", "Bar", "Bram", "Brad", "Burn", "Cal", "Chester", "Clay", "Cold",
		"Crow", "Dal", "Dun", "Elm", "Far", "Fen", "Gold", "Grey", "Hal", "Hart",
		"Hazel", "High", "Holm", "Kings", "Lang", "Lea", "Mar", "Mill", "Moor", "Nor",
		"Oak", "Pen", "Queens", "Red", "Rock", "Rom", "Sand", "Shep", "Staple", "Stan",
		"Stone", "Sut", "Thorn", "Wal", "West", "Whit", "Wick", "Wil", "Wind", "Wood",
	}
	englishPlaceEnds = []string{
		"bury", "by", "caster", "cliffe", "combe", "den", "field", "ford", "gate", "ham",
		"hurst", "ington", "ley", "mere", "minster", "moor", "mouth", "stead", "stow", "thorpe",
		"ton", "well", "wich", "worth",
	}
	scottishPlaceStarts = []string{"Auchen", "Bal", "Ben", "Craig", "Dal", "Drum", "Dun", "Glen", "Inver", "Kil", "Kin", "Strath", "Tor", "Pit"}
	scottishPlaceEnds   = []string{"allan", "brae", "burgh", "carron", "dee", "gorm", "keith", "lie", "more", "ness", "ross", "tyre", "loch", "muir"}
	welshPlaceStarts    = []string{"Aber", "Bryn", "Caer", "Cwm", "Llan", "Pen", "Pont", "Tre", "Ystrad", "Glyn", "Maes", "Nant"}
	welshPlaceEnds      = []string{"bedw", "dewi", "du", "fach", "ffin", "goch", "gwyn", "mawr", "nant", "wen", "ydd", "afon"}
	compassPoints       = []string{"North", "South", "East", "West", "Central"}
)

// slugify lower-cases s and keeps letters and digits, joining words with
// hyphens: "O'Brien and Hartley" → "obrien-and-hartley".
func slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case r == '\'':
			// O'Brien is one word.
		default:
			hyphen = true
		}
	}
	return b.String()
}

// uniqueNames hands out names, adding a number to repeats ("jane-smith",
// "jane-smith-2"). It uses a map only for look-ups, never to iterate.
type uniqueNames map[string]int

// claim returns key unchanged the first time and key+sep+n after.
func (u uniqueNames) claim(key, sep string) string {
	n := u[key] + 1
	u[key] = n
	if n == 1 {
		return key
	}
	for {
		k := key + sep + strconv.Itoa(n)
		if u[k] == 0 {
			u[k] = 1
			return k
		}
		n++
		u[key] = n
	}
}

// reserve marks key as taken.
func (u uniqueNames) reserve(key string) { u[key]++ }

// taken reports whether key has been handed out.
func (u uniqueNames) taken(key string) bool { return u[key] > 0 }
