package election

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/store"
)

// Trustee roles.
const (
	TrusteeReturningOfficer = "returning_officer"
	TrusteeScrutineer       = "scrutineer"
	TrusteeOther            = "trustee"
)

// TrusteeInput names one trustee of a new key.
type TrusteeInput struct {
	PersonID int64
	Role     string // TrusteeReturningOfficer, TrusteeScrutineer or TrusteeOther
}

// KeyInput is the returning officer's key set-up form.
type KeyInput struct {
	// Threshold is k: how many trustees' shares rebuild the key (at least 2).
	Threshold int
	// Trustees are the n holders of a share, at least one returning officer
	// and one scrutineer.
	Trustees []TrusteeInput
	// KeepSharesForDemo keeps a copy of every share on the server so that a
	// demonstration election closes and counts by itself. DEMONSTRATION
	// ONLY: whoever reads the database could then read every ballot. It is
	// refused unless the service was built with Config.AllowDemoShares, and
	// the election's pages say so.
	KeepSharesForDemo bool
}

// SetUpKey makes the election's key pair, splits the private key into one
// share per trustee (any Threshold of them rebuild it) and forgets it: only
// the public key is stored. Each share waits for its trustee to take it
// once, as a file (CollectShareFile) or sealed with a passphrase
// (SealShare); voting cannot open until every trustee has. Running it again
// before voting opens replaces the key and every share.
func (s *Service) SetUpKey(ctx context.Context, p *auth.Principal, electionID int64, in KeyInput) error {
	defer s.forgetPaper(electionID)
	if err := requireOfficer(p); err != nil {
		return err
	}
	if err := fieldErrs(s.validateKeyInput(ctx, in)); err != nil {
		return err
	}
	if in.KeepSharesForDemo && !s.cfg.AllowDemoShares {
		return FieldErrors{"keep_shares_for_demo": "Keeping the shares on the server is for demonstrations only and is switched off here"}
	}
	key, err := ballot.NewElectionKey()
	if err != nil {
		return err
	}
	defer clear(key.Private)
	shares, err := ballot.Split(key.Private, in.Threshold, len(in.Trustees))
	if err != nil {
		return fmt.Errorf("split the election key: %w", err)
	}
	defer func() {
		for _, sh := range shares {
			clear(sh.Data)
		}
	}()
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err := tx.LockElection(ctx, electionID)
		if err != nil {
			return err
		}
		if stageIndex(e.Status) >= stageIndex(store.ElectionOpen) {
			return stageErr("the key cannot change once voting has opened")
		}
		rows := make([]store.NewTrustee, len(in.Trustees))
		for i, t := range in.Trustees {
			sh := shares[i]
			rows[i] = store.NewTrustee{PersonID: t.PersonID, Role: t.Role, ShareIndex: int(sh.Index),
				ShareCheck: ballot.ShareDigest(electionID, sh), Pending: sh.Data}
			if in.KeepSharesForDemo {
				rows[i].Demo = sh.Data
			}
		}
		if err := tx.SetElectionKey(ctx, electionID, key.Public, in.Threshold, in.KeepSharesForDemo); err != nil {
			return err
		}
		if err := tx.ReplaceTrustees(ctx, electionID, rows); err != nil {
			return err
		}
		ids := make([]string, len(in.Trustees))
		for i, t := range in.Trustees {
			ids[i] = fmt.Sprintf("%d:%s", t.PersonID, t.Role)
		}
		return audit(ctx, tx, p.PersonID, "election.key_setup", electionID, fingerprintOrBlank(e.PublicKey),
			fmt.Sprintf("fingerprint=%s threshold=%d trustees=[%s] demo_shares=%t", ballot.Fingerprint(key.Public), in.Threshold, strings.Join(ids, ","), in.KeepSharesForDemo))
	})
}

func fingerprintOrBlank(pub []byte) string {
	if len(pub) == 0 {
		return ""
	}
	return "fingerprint=" + ballot.Fingerprint(pub)
}

// validateKeyInput checks the threshold and that the trustees include a
// returning officer and a scrutineer who hold those roles.
func (s *Service) validateKeyInput(ctx context.Context, in KeyInput) FieldErrors {
	fe := FieldErrors{}
	n := len(in.Trustees)
	if n < 2 || n > 255 {
		fe["trustees"] = "Name from 2 to 255 trustees, including the returning officer and a scrutineer"
		return fe
	}
	if in.Threshold < 2 || in.Threshold > n {
		fe["threshold"] = fmt.Sprintf("The number of shares needed must be from 2 to the number of trustees (%d)", n)
	}
	seen := map[int64]bool{}
	var haveRO, haveScrutineer bool
	for _, t := range in.Trustees {
		if seen[t.PersonID] {
			fe["trustees"] = "Name each trustee once"
			return fe
		}
		seen[t.PersonID] = true
		grants, err := s.db.GrantsOf(ctx, t.PersonID)
		if err != nil {
			fe["trustees"] = "The trustees could not be checked; try again"
			return fe
		}
		holds := func(role auth.Role) bool {
			for _, g := range grants {
				if auth.Role(g.Role) == role {
					return true
				}
			}
			return false
		}
		switch t.Role {
		case TrusteeReturningOfficer:
			if !holds(auth.RoleReturningOfficer) {
				fe["trustees"] = "A trustee named as returning officer does not hold that role"
			}
			haveRO = true
		case TrusteeScrutineer:
			if !holds(auth.RoleScrutineer) {
				fe["trustees"] = "A trustee named as scrutineer does not hold that role"
			}
			haveScrutineer = true
		case TrusteeOther:
			if _, err := s.db.PersonByID(ctx, t.PersonID); err != nil {
				fe["trustees"] = "Choose trustees known to Quorum"
			}
		default:
			fe["trustees"] = "Each trustee is the returning officer, a scrutineer or another trustee"
		}
	}
	if _, bad := fe["trustees"]; !bad && (!haveRO || !haveScrutineer) {
		fe["trustees"] = "The trustees must include the returning officer and a scrutineer"
	}
	return fe
}

// lockOwnShare loads the caller's trustee row for a collection.
func (s *Service) lockOwnShare(ctx context.Context, tx *store.Tx, p *auth.Principal, electionID int64) (store.Election, store.Trustee, []byte, error) {
	e, err := tx.LockElection(ctx, electionID)
	if err != nil {
		return e, store.Trustee{}, nil, err
	}
	t, pending, _, err := tx.LockTrustee(ctx, electionID, p.PersonID)
	if errors.Is(err, store.ErrNotFound) {
		return e, t, nil, ErrNotTrustee
	}
	if err != nil {
		return e, t, nil, err
	}
	if t.Collected || pending == nil {
		return e, t, nil, ErrShareCollected
	}
	if stageIndex(e.Status) >= stageIndex(store.ElectionOpen) {
		return e, t, nil, stageErr("shares can be taken only before voting opens")
	}
	return e, t, pending, nil
}

// CollectShareFile hands the signed-in trustee their share as a file, once:
// the server erases its copy in the same transaction. The trustee must keep
// the file safe until the close; if the download is lost, the returning
// officer sets up a new key (possible until voting opens).
func (s *Service) CollectShareFile(ctx context.Context, p *auth.Principal, electionID int64) (file []byte, filename string, err error) {
	if !p.SignedIn() {
		return nil, "", auth.ErrSignInNeeded
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		e, t, pending, err := s.lockOwnShare(ctx, tx, p, electionID)
		if err != nil {
			return err
		}
		defer clear(pending)
		file = ballot.EncodeShareFile(ballot.Share{Index: byte(t.ShareIndex), Data: pending}, electionID, e.PublicKey)
		if err := tx.CollectShare(ctx, electionID, p.PersonID, store.ShareByFile, nil); err != nil {
			return err
		}
		filename = fmt.Sprintf("%s-key-share-%d.txt", e.Slug, t.ShareIndex)
		return audit(ctx, tx, p.PersonID, "election.share_collect", electionID, "", fmt.Sprintf("share=%d delivery=file", t.ShareIndex))
	})
	if err != nil {
		return nil, "", err
	}
	return file, filename, nil
}

// SealShare seals the signed-in trustee's share with a passphrase they
// choose (at least ballot.MinPassphraseLen characters) and keeps only the
// sealed share until the count. The passphrase is never stored.
func (s *Service) SealShare(ctx context.Context, p *auth.Principal, electionID int64, passphrase string) error {
	if !p.SignedIn() {
		return auth.ErrSignInNeeded
	}
	// Sealing takes a deliberately slow key derivation, so it runs between
	// two short transactions rather than inside one.
	var share ballot.Share
	var check string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, t, pending, err := s.lockOwnShare(ctx, tx, p, electionID)
		if err != nil {
			return err
		}
		share, check = ballot.Share{Index: byte(t.ShareIndex), Data: pending}, t.ShareCheck
		return nil
	})
	if err != nil {
		return err
	}
	defer clear(share.Data)
	sealed, err := ballot.SealShare(share, electionID, passphrase)
	if errors.Is(err, ballot.ErrWeakPassphrase) {
		return FieldErrors{"passphrase": fmt.Sprintf("Choose a passphrase of at least %d characters", ballot.MinPassphraseLen)}
	}
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		_, t, pending, err := s.lockOwnShare(ctx, tx, p, electionID)
		if err != nil {
			return err
		}
		clear(pending)
		if t.ShareCheck != check {
			return stageErr("the returning officer has set up a new key meanwhile; try again")
		}
		if err := tx.CollectShare(ctx, electionID, p.PersonID, store.ShareByPassphrase, sealed); err != nil {
			return err
		}
		return audit(ctx, tx, p.PersonID, "election.share_collect", electionID, "", fmt.Sprintf("share=%d delivery=passphrase", t.ShareIndex))
	})
}

// Trustees lists an election's trustees and where their shares stand.
func (s *Service) Trustees(ctx context.Context, electionID int64) ([]store.Trustee, error) {
	return s.db.TrusteesOf(ctx, electionID)
}

// keyReady says why voting cannot open yet, or nil.
func keyReady(e store.Election, trustees []store.Trustee) error {
	if len(e.PublicKey) == 0 || e.KeyThreshold < 2 {
		return fmt.Errorf("%w: set up the election key first", ErrKeyNotReady)
	}
	if e.KeepSharesForDemo {
		return nil
	}
	var waiting []string
	for _, t := range trustees {
		if !t.Collected {
			waiting = append(waiting, t.Name)
		}
	}
	if len(waiting) > 0 {
		return fmt.Errorf("%w: waiting for %s to take their share", ErrKeyNotReady, strings.Join(waiting, ", "))
	}
	return nil
}
