"""A small extract-transform-load pipeline for the capstone."""
