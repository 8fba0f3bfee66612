package policy

// An owner's rate counters, as indexes of sharedCounts and names in Redis
// keys.
const (
	requestCount = iota
	tokenCount
	numCounters
)

var counterNames = [numCounters]string{"requests", "tokens"}

// sharedCounts is what the rate limits of one owner exchange with the
// other replicas through a Syncer. The owner's own windows stay exact;
// admission adds others to them.
//
// Redis holds, per second, every replica's events that were pushed. So
// the events this replica pushed for a second are its own count minus
// pending, and the other replicas' are Redis's count minus those: no
// replica needs an identity, and a push that failed is simply pushed again
// with the next one.
type sharedCounts struct {
	pending [numCounters]window // this replica's events not yet in Redis
	others  [numCounters]window // the other replicas' events, at the last sync
}

// settle takes in the outcome of a sync of counter c, under the owner's
// lock. sent is what pending held when the sync began and has now been
// added to Redis; all is every replica's events as Redis held them just
// after, in a window that ends at the second of the sync; own is the
// owner's window of c. lost says that Redis lost its data (it restarted)
// since the sync before: of this replica's events, it then holds only
// sent.
func (sc *sharedCounts) settle(c int, own, sent, all *window, lost bool) {
	p := &sc.pending[c]
	if lost {
		*p = *own // push them all again
	}
	for sec := sent.head - windowSeconds + 1; sec <= sent.head; sec++ {
		// A second that has left pending's window since is gone for good.
		if n := min(sent.at(sec), p.at(sec)); n > 0 {
			p.buckets[slot(sec)] -= uint32(n)
			p.total -= n
		}
	}

	others := window{head: all.head}
	for sec := all.head - windowSeconds + 1; sec <= all.head; sec++ {
		// What Redis holds of this replica's events: all but pending.
		pushed := own.at(sec) - p.at(sec)
		if n := all.at(sec) - pushed; n > 0 {
			others.buckets[slot(sec)] = uint32(n)
			others.total += n
		}
	}
	sc.others[c] = others
}
