-- a lab with a mistake: two tests of one name
test{ name = "twice", function(t) end }
test{ name = "twice", function(t) end }
