enum ArrayFormatsPlaceholder {}
