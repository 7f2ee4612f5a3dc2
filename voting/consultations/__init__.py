"""Consultations (协商议事 / 征求意见): topics, comments and non-binding opinion questions."""
