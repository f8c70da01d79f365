"""The FlashForge 3D printer integration."""
