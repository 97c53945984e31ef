package protect

import (
	"crypto/rand"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync"

	"github.com/sethvargo/go-diceware/diceware"
)

// PassphraseWords is how many words a passphrase has. Six words drawn
// uniformly from the EFF large word list carry 6 × log2(7772) ≈ 77.5 bits.
// The weaker of the two formats is the zip, whose key derivation is
// PBKDF2-HMAC-SHA1 with only 1000 iterations (WinZip AES spec, "Key
// Generation"): at 10^10 SHA-1 blocks a second, one machine tries about
// 5 million passphrases a second, so searching half of 2^77.5 takes about
// 7 × 10^8 machine-years. Five words (64.6 bits) would take 10^5, which
// a large cluster could spend on a file that sits in a mailbox for years.
const PassphraseWords = 6

// passphraseSep joins the words: a hyphen reads aloud as "dash", and needs
// no quoting on a command line, unlike a space.
const passphraseSep = "-"

// wordList is the EFF large word list (7776 words chosen to be easy to
// spell and to tell apart when heard) without the four
// words that hold a hyphen themselves (drop-down, felt-tip, t-shirt,
// yo-yo), so that every hyphen in a passphrase separates two words and the
// count of words can be heard over the phone.
var wordList = sync.OnceValue(func() []string {
	l := diceware.WordListEffLarge()
	words := make([]string, 0, 7776)
	// Indexes are five dice rolls, 11111 to 66666, as the list is printed.
	var walk func(n, digits int)
	walk = func(n, digits int) {
		if digits == l.Digits() {
			if w := l.WordAt(n); w != "" && !strings.Contains(w, passphraseSep) {
				words = append(words, w)
			}
			return
		}
		for d := 1; d <= 6; d++ {
			walk(n*10+d, digits+1)
		}
	}
	walk(0, 0)
	return words
})

// PassphraseBits is the entropy of one passphrase in bits: each word is an
// independent uniform choice from the list.
func PassphraseBits() float64 {
	return PassphraseWords * math.Log2(float64(len(wordList())))
}

// NewPassphrase returns a fresh passphrase from crypto/rand: PassphraseWords
// lower-case words joined by hyphens, such as
// "uncut-pavilion-shredder-stifle-trout-unbent". It is never stored: the
// caller shows it once and forgets it.
func NewPassphrase() (string, error) {
	words := wordList()
	n := big.NewInt(int64(len(words)))
	picked := make([]string, PassphraseWords)
	for i := range picked {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("choosing a passphrase: %w", err)
		}
		picked[i] = words[k.Int64()]
	}
	return strings.Join(picked, passphraseSep), nil
}
