"""Offline reveal.js slide decks from the course notebooks (make slides): marking and building."""
