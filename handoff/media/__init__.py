"""Files citizens send: photos and attachments, checked by content and cleaned before storing."""
