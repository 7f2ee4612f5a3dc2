"""Results: tally, publication, signatures, the bulletin board, announcements, objections."""
