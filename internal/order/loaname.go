package order

import (
	"strings"
	"unicode/utf8"
)

// maxLoaNameLen is Bandwidth's limit on LoaAuthorizingPerson (7357; 7388 truncates blindly).
const maxLoaNameLen = 15

var (
	honorifics = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true, "prof": true, "rev": true, "hon": true, "sir": true}
	suffixes   = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true, "v": true, "esq": true, "phd": true, "md": true, "cpa": true}
)

// LoaName shortens the LOA authorizing person to Bandwidth's 15 characters the way a person
// would, rather than letting Bandwidth cut it mid-word: a name that fits is kept as written;
// otherwise titles, suffixes and middle names go first, then the first name becomes an initial
// ("Jonathan Applebaum" → "J Applebaum"), and only a surname that alone is too long is cut.
// "Applebaum, Jonathan" is read as surname first.
func LoaName(person string) string {
	name := strings.Join(strings.Fields(person), " ")
	if utf8.RuneCountInString(name) <= maxLoaNameLen {
		return name
	}
	words := nameWords(name)
	if len(words) == 0 {
		return truncateRunes(name, maxLoaNameLen)
	}
	if len(words) == 1 {
		return truncateRunes(words[0], maxLoaNameLen)
	}
	first, lastName := words[0], words[len(words)-1]
	for _, candidate := range []string{
		strings.Join(words, " "),
		first + " " + lastName,
		firstRune(first) + " " + lastName,
	} {
		if utf8.RuneCountInString(candidate) <= maxLoaNameLen {
			return candidate
		}
	}
	initial := firstRune(first) + " "
	return initial + truncateRunes(lastName, maxLoaNameLen-utf8.RuneCountInString(initial))
}

// nameWords splits a name into given names and surname, in that order, without titles and
// suffixes.
func nameWords(name string) []string {
	if before, after, ok := strings.Cut(name, ","); ok {
		after = strings.TrimSpace(after)
		if isSuffix(after) {
			name = before
		} else if after != "" {
			// "Applebaum, Jonathan" → "Jonathan Applebaum"
			name = after + " " + before
		}
	}
	words := strings.Fields(name)
	for len(words) > 1 && honorifics[normalizeNameWord(words[0])] {
		words = words[1:]
	}
	for len(words) > 1 && isSuffix(words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	return words
}

func isSuffix(word string) bool {
	fields := strings.Fields(word)
	return len(fields) == 1 && suffixes[normalizeNameWord(fields[0])]
}

func normalizeNameWord(w string) string {
	return strings.ToLower(strings.Trim(w, ".,"))
}

func firstRune(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return string(r)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
