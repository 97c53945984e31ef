package protect

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWordList(t *testing.T) {
	t.Parallel()
	words := wordList()
	// The EFF large list has 7776 words; four of them hold a hyphen.
	require.Len(t, words, 7772)
	seen := map[string]bool{}
	for _, w := range words {
		require.NotContains(t, w, "-")
		require.Equal(t, strings.ToLower(w), w)
		require.NotEmpty(t, w)
		require.False(t, seen[w], "duplicate %q", w)
		seen[w] = true
	}
	require.True(t, seen["abacus"] && seen["zoom"], "the EFF large list")
}

func TestPassphrase(t *testing.T) {
	t.Parallel()
	require.GreaterOrEqual(t, PassphraseWords, 5)
	require.InDelta(t, 77.5, PassphraseBits(), 0.1)
	require.Equal(t, float64(PassphraseWords)*math.Log2(7772), PassphraseBits())

	inList := map[string]bool{}
	for _, w := range wordList() {
		inList[w] = true
	}
	const n = 5000
	seen := map[string]bool{}
	used := map[string]int{}
	for range n {
		p, err := NewPassphrase()
		require.NoError(t, err)
		require.False(t, seen[p], "passphrase repeated: %s", p)
		seen[p] = true
		words := strings.Split(p, "-")
		require.Len(t, words, PassphraseWords, p)
		for _, w := range words {
			require.True(t, inList[w], "%q not in the list", w)
			used[w]++
		}
	}
	// 30,000 draws from 7772 words leave about 7772·e^(-3.86) ≈ 164
	// unused; a generator stuck on part of the list would leave thousands.
	require.Greater(t, len(used), 7300)
	for w, c := range used {
		require.Less(t, c, 25, "word %q drawn %d times", w, c)
	}
}
