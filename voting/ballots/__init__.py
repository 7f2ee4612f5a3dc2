"""Ballots: the resident's pages, casting, paper and proxy entry.

Decisions where the texts and the formats are silent:

- One ballot per voter and meeting, whatever the channel, is the database's unique
  constraint; a refused second ballot records nothing online, and is listed as a
  BallotConflict when a committee member keys it on paper.
- Answers are checked strictly: option codes of that matter only, no repeats, one choice
  for motions and selections, at most ``seats`` in an election. An online over-vote is
  refused (DOMAIN.md 2.5 makes it invalid; a resident is told and can correct it); on paper
  the members rule the matter invalid with a reason. A ballot answering nothing at all is
  refused, so that a stray tap cannot spend a link; [] abstains, a matter left out is not
  taken part in.
- Paper and proxy ballots are keyed twice by two different committee members; only
  matching entries make the ballot. Keying is open while the meeting is open, also after
  ``closes_at`` until the committee closes it (boxes are opened after online voting ends);
  closing tallies, and entries still unconfirmed then do not count.
- The audit log is public: a cast ballot is logged as the hash of its anonymous board entry
  by actor "resident"; nothing written there joins a voter to choices.
- A receipt is shown only once the ballot is committed and on disk (``durable_ballot``).
"""
