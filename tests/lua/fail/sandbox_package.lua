-- expect: 1 /attempt to index a nil value \(global 'package'\)/ --sandbox
package.loadlib("libc.so.6", "system")
