"""Input and output serializers: one of each per endpoint where they differ (HackSoft style)."""
