// Package count is Quorum's vote-counting engine: a pure library that knows
// nothing of databases or the web. It reads ballots (.blt or CSV), counts
// them by first past the post, block vote, instant-runoff, Scottish STV or
// Meek STV, enforces minimums on candidate attributes (gender quotas), breaks
// ties by a seeded and recorded lot, and renders the result as text, JSON or
// an SVG chart. Every count is exact (integer fixed point) and reproducible
// from the ballots, the method and the seed. docs/counting.md states the rules.
package count
