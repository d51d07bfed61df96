package address

import (
	"strconv"
	"strings"
	"unicode"
)

// commaToken stands for a comma in a token list; commas are the only punctuation that carries
// structure (they separate street, unit, city and state).
const commaToken = ","

// latinFolds spells accented Latin letters in plain ASCII, as USPS and carrier records do
// ("Cañon City" is CANON CITY on file). Fractions become tokens of their own so "12½" reads
// as house number 12 with suffix 1/2.
var latinFolds = map[rune]string{
	'À': "A", 'Á': "A", 'Â': "A", 'Ã': "A", 'Ä': "A", 'Å': "A", 'à': "A", 'á': "A", 'â': "A",
	'ã': "A", 'ä': "A", 'å': "A", 'Ç': "C", 'ç': "C", 'È': "E", 'É': "E", 'Ê': "E", 'Ë': "E",
	'è': "E", 'é': "E", 'ê': "E", 'ë': "E", 'Ì': "I", 'Í': "I", 'Î': "I", 'Ï': "I", 'ì': "I",
	'í': "I", 'î': "I", 'ï': "I", 'Ñ': "N", 'ñ': "N", 'Ò': "O", 'Ó': "O", 'Ô': "O", 'Õ': "O",
	'Ö': "O", 'Ø': "O", 'ò': "O", 'ó': "O", 'ô': "O", 'õ': "O", 'ö': "O", 'ø': "O", 'Ù': "U",
	'Ú': "U", 'Û': "U", 'Ü': "U", 'ù': "U", 'ú': "U", 'û': "U", 'ü': "U", 'Ý': "Y", 'ý': "Y",
	'ÿ': "Y", 'ß': "SS", 'Æ': "AE", 'æ': "AE", 'Œ': "OE", 'œ': "OE",
	'½': " 1/2 ", '¼': " 1/4 ", '¾': " 3/4 ",
}

// lex turns free text into upper-case tokens. It keeps letters, digits, '#' (as a token of its
// own) and commas (as commaToken); hyphens survive only inside tokens that hold a digit
// ("27707-1234", "A-1", "I-95"), slashes only between digits ("1/2"). Periods and apostrophes
// join their word ("N.E." → NE, "O'Brien" → OBRIEN) except that a period after a word of two or
// more letters ends it ("St.Louis" → ST LOUIS). Everything else separates words.
func lex(s string) []string {
	runes := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	wordLetters := 0 // letters in the word being written, for the period rule
	for i, r := range runes {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
			wordLetters++
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r)
			wordLetters++
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ',':
			b.WriteString(" , ")
			wordLetters = 0
		case r == '#':
			b.WriteString(" # ")
			wordLetters = 0
		case r == '.':
			if wordLetters >= 2 {
				b.WriteByte(' ')
				wordLetters = 0
			}
		case r == '\'' || r == '’' || r == '`':
			// An apostrophe joins its word: ST MARY'S is ST MARYS.
		case r == '-' || r == '–' || r == '—':
			if i > 0 && i+1 < len(runes) && isASCIIAlnum(runes[i-1]) && isASCIIAlnum(runes[i+1]) {
				b.WriteByte('-')
			} else {
				b.WriteByte(' ')
				wordLetters = 0
			}
		case r == '/':
			if i > 0 && i+1 < len(runes) && isDigit(runes[i-1]) && isDigit(runes[i+1]) {
				b.WriteByte('/')
			} else {
				b.WriteByte(' ')
				wordLetters = 0
			}
		default:
			if fold, ok := latinFolds[r]; ok {
				b.WriteString(fold)
				if strings.HasPrefix(fold, " ") {
					wordLetters = 0
				} else {
					wordLetters++
				}
				continue
			}
			if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) {
				// Combining accents and invisible format characters belong to the letter
				// before them.
				continue
			}
			b.WriteByte(' ')
			wordLetters = 0
		}
	}
	var tokens []string
	for _, f := range strings.Fields(b.String()) {
		tokens = append(tokens, splitWordHyphens(f)...)
	}
	return tokens
}

// splitWordHyphens splits a hyphenated token without digits into its words: hyphens in names
// ("WINSTON-SALEM", "TWENTY-FIRST") are spaces to USPS, while in numbers and unit ids they matter.
func splitWordHyphens(tok string) []string {
	if !strings.Contains(tok, "-") || strings.ContainsAny(tok, "0123456789") {
		return []string{tok}
	}
	return strings.FieldsFunc(tok, func(r rune) bool { return r == '-' })
}

// lexWords lexes one field: commas carry no structure inside a field, so they are dropped.
func lexWords(s string) []string {
	tokens := lex(s)
	words := tokens[:0]
	for _, t := range tokens {
		if t != commaToken {
			words = append(words, t)
		}
	}
	return words
}

// splitGroups splits a token list at commas, dropping empty groups.
func splitGroups(tokens []string) [][]string {
	var groups [][]string
	var cur []string
	for _, t := range tokens {
		if t == commaToken {
			if len(cur) > 0 {
				groups = append(groups, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, t)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

func isASCIIAlnum(r rune) bool {
	return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || isDigit(r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' }

// isSingleLetter reports whether tok is one letter ("B" in "12 B ELM ST").
func isSingleLetter(tok string) bool { return len(tok) == 1 && isLetter(tok[0]) }

// isFraction reports whether tok is a fraction like "1/2".
func isFraction(tok string) bool {
	num, den, ok := strings.Cut(tok, "/")
	return ok && allDigits(num) && allDigits(den)
}

// isNumericOrdinal reports whether tok is written like "1ST", "22ND", "103RD", "4TH".
func isNumericOrdinal(tok string) bool {
	n := len(tok)
	if n < 3 || !allDigits(tok[:n-2]) {
		return false
	}
	switch tok[n-2:] {
	case "ST", "ND", "RD", "TH":
		return true
	}
	return false
}

// ordinalNumber returns the digits of an ordinal written as "2ND" or "SECOND".
func ordinalNumber(tok string) (string, bool) {
	if isNumericOrdinal(tok) {
		return tok[:len(tok)-2], true
	}
	if n, ok := ordinalUnits[tok]; ok {
		return strconv.Itoa(n), true
	}
	return "", false
}

// ordinalSuffix returns the English ordinal ending USPS writes after n ("1ST", "12TH", "22ND").
func ordinalSuffix(n int) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "TH"
	}
	switch n % 10 {
	case 1:
		return "ST"
	case 2:
		return "ND"
	case 3:
		return "RD"
	}
	return "TH"
}
