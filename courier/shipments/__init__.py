"""The shipments domain: orders, waybills, delivery with proof, exceptions, returns, stations,
retention."""
